#!/usr/bin/env node
import { ensureImages } from './build-images';
import { startDevServices } from './services';
import { defaultLog } from './util';

const USAGE = `usage: kyc-dev-services <command>

commands:
  up            start Kafka and a MongoDB-wire server, print their addresses on
                stdout (KAFKA_BROKERS=..., MONGO_URL=...; --json for one JSON
                line), keep running until SIGINT/SIGTERM, then stop them
  build-images  only prepare the container engine and build/cache the images

environment:
  KYC_KAFKA_IMAGE, KYC_MONGO_IMAGE   images to run instead of the defaults
  KYC_DEV_IMAGES=local|official      force locally built or official images
  KYC_FERRETDB_BACKEND=sqlite|postgresql
                                     the local FerretDB's storage (default postgresql:
                                     a private cluster of Debian's postgresql,
                                     installed on first need)
  KYC_DEV_SERVICES_DEBUG=1           echo container logs
  DOCKER_HOST                        container engine to use
`;

async function up(json: boolean): Promise<void> {
  const t0 = Date.now();
  const services = await startDevServices();
  defaultLog(`up in ${((Date.now() - t0) / 1000).toFixed(1)} s; Ctrl-C to stop`);
  if (json) {
    process.stdout.write(`${JSON.stringify({ KAFKA_BROKERS: services.kafkaBrokers, MONGO_URL: services.mongoUrl })}\n`);
  } else {
    process.stdout.write(`KAFKA_BROKERS=${services.kafkaBrokers}\nMONGO_URL=${services.mongoUrl}\n`);
  }

  await new Promise<void>((resolve) => {
    // Signal listeners do not keep Node running: hold the event loop open.
    const keepAlive = setInterval(() => undefined, 1 << 30);
    // `on`, not `once`: a library's signal-exit hook re-raises a signal nobody else listens to any
    // more, which would kill this process before the containers are stopped. A second signal
    // while stopping exits at once.
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) process.exit(130);
      stopping = true;
      clearInterval(keepAlive);
      defaultLog(`${signal}: stopping ...`);
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    process.on('SIGHUP', onSignal);
  });
  await services.stop();
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'up':
      await up(rest.includes('--json'));
      return 0;
    case 'build-images': {
      const t0 = Date.now();
      const images = await ensureImages();
      defaultLog(`images ready in ${((Date.now() - t0) / 1000).toFixed(1)} s: kafka=${images.kafka.image} mongo=${images.mongo.image}`);
      return 0;
    }
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    defaultLog(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
