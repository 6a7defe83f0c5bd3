import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import type { Readable } from 'node:stream';
import type { GenericContainer, StartedTestContainer } from 'testcontainers';
import { prepareEngine, type Engine } from './engine';
import { ensureDevImages, type ImageChoice } from './images';
import { ferretDbBackend, startPostgres, type FerretDbBackend } from './postgres';
import { kafkaContainerEnv } from './kafka-config';
import { defaultLog, freePort, waitForTcp, type Log } from './util';

export interface DevServices {
  /** Kafka bootstrap address, "127.0.0.1:PORT". */
  kafkaBrokers: string;
  /** MongoDB connection string, "mongodb://127.0.0.1:PORT/". */
  mongoUrl: string;
  /** Stops (and removes) both containers (and FerretDB's PostgreSQL, if any). Safe to call more than once. */
  stop(): Promise<void>;
}

export interface StartDevServicesOptions {
  /** Progress lines (engine setup, image builds, readiness). Default: stderr with a "[dev-services]" prefix. */
  log?: (line: string) => void;
}

const LABEL = 'kyc.dev-services';
const LABEL_PID = 'kyc.dev-services.pid';
const LABEL_HOST = 'kyc.dev-services.host';
const LABEL_SESSION = 'kyc.dev-services.session';
const STARTUP_TIMEOUT_MS = 180_000;
const KAFKA_STARTED = /Kafka Server started/;
/** mongod: "Waiting for connections"; FerretDB: "Listening on TCP ...". */
const MONGO_STARTED = /Waiting for connections|Listening on TCP/i;

// testcontainers is loaded only after prepareEngine() has set DOCKER_HOST and
// the TESTCONTAINERS_* variables it reads.
type Testcontainers = typeof import('testcontainers');
const testcontainers = (): Promise<Testcontainers> => import('testcontainers');

/**
 * A GenericContainer whose published ports are bound to 127.0.0.1 only (when
 * the engine is local) instead of every interface.
 */
async function container(image: string, loopbackOnly: boolean): Promise<GenericContainer> {
  const { GenericContainer } = await testcontainers();
  class LoopbackContainer extends GenericContainer {
    protected override async beforeContainerCreated(): Promise<void> {
      if (!loopbackOnly) return;
      for (const bindings of Object.values(this.hostConfig.PortBindings ?? {}) as Array<Array<{ HostIp?: string }>>) {
        for (const binding of bindings) binding.HostIp = '127.0.0.1';
      }
    }
  }
  return new LoopbackContainer(image);
}

/** Keeps the last lines of a container's log, for error messages. */
class LogTail {
  private readonly lines: string[] = [];

  constructor(
    private readonly name: string,
    private readonly log: Log,
    private readonly echo: boolean,
  ) {}

  consume = (stream: Readable): void => {
    let buffer = '';
    stream.on('data', (chunk: Buffer | string) => {
      buffer += chunk.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        this.add(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
      }
    });
    stream.on('error', () => undefined);
  };

  private add(line: string): void {
    this.lines.push(line);
    if (this.lines.length > 40) this.lines.shift();
    if (this.echo) this.log(`${this.name}: ${line}`);
  }

  toString(): string {
    return this.lines.length ? `\nLast ${this.name} container log lines:\n${this.lines.join('\n')}` : '';
  }
}

function containerLabels(service: string, session: string): Record<string, string> {
  return { [LABEL]: service, [LABEL_PID]: String(process.pid), [LABEL_HOST]: os.hostname(), [LABEL_SESSION]: session };
}

/** Force-removes every container of one startDevServices() call (after a failed start). */
async function removeSession(session: string): Promise<void> {
  const client = await (await testcontainers()).getContainerRuntimeClient();
  const containers = await client.container.dockerode.listContainers({ all: true, filters: { label: [`${LABEL_SESSION}=${session}`] } });
  await Promise.allSettled(containers.map((info) => client.container.dockerode.getContainer(info.Id).remove({ force: true, v: true })));
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes containers this package started from processes of this machine that
 * no longer exist (without Ryuk, a crashed test run would leave them running).
 */
async function removeOrphans(log: Log): Promise<void> {
  try {
    const client = await (await testcontainers()).getContainerRuntimeClient();
    const containers = await client.container.dockerode.listContainers({ all: true, filters: { label: [LABEL] } });
    for (const info of containers) {
      const pid = Number(info.Labels?.[LABEL_PID]);
      if (info.Labels?.[LABEL_HOST] !== os.hostname() || !(pid > 0) || processAlive(pid)) continue;
      log(`removing leftover ${info.Labels?.[LABEL] ?? ''} container ${info.Id.slice(0, 12)} of exited process ${pid}`);
      await client.container.dockerode
        .getContainer(info.Id)
        .remove({ force: true, v: true })
        .catch(() => undefined);
    }
  } catch (err) {
    log(`could not check for leftover containers: ${String(err)}`);
  }
}

/** The address containers' published ports are reached at from here. */
async function engineHost(): Promise<string> {
  const client = await (await testcontainers()).getContainerRuntimeClient();
  const host = client.info.containerRuntime.host;
  return host === 'localhost' || host === '::1' ? '127.0.0.1' : host;
}

const debugLogs = (): boolean => /^(1|true|yes)$/i.test(process.env.KYC_DEV_SERVICES_DEBUG ?? '');

async function startKafka(
  engine: Engine,
  image: string,
  host: string,
  session: string,
  log: Log,
  // By default the broker is handed out once it says it started; a start-up race test wants it
  // the moment its port answers instead.
  readiness: 'started' | 'port' = 'started',
): Promise<{ container: StartedTestContainer; brokers: string }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const tail = new LogTail('kafka', log, debugLogs());
    const t0 = Date.now();
    let running: StartedTestContainer | undefined;
    try {
      const { Wait } = await testcontainers();
      running = await (await container(image, engine.local))
        .withLabels(containerLabels('kafka', session))
        .withEnvironment(kafkaContainerEnv(port, host))
        // Same port inside and outside: the advertised listener is host:port.
        // 9092 (EXPOSEd by both images, unused here) is published too, because
        // podman reports EXPOSEd ports as unbound PortBindings, which
        // testcontainers would wait for forever.
        .withExposedPorts({ container: port, host: port }, ...(port === 9092 ? [] : [9092]))
        .withWaitStrategy(Wait.forLogMessage(readiness === 'started' ? KAFKA_STARTED : /./))
        .withStartupTimeout(STARTUP_TIMEOUT_MS)
        .withLogConsumer(tail.consume)
        .start();
      await waitForTcp(host, port, 30_000, readiness === 'port' ? 10 : undefined);
      log(`kafka (${image}) ready at ${host}:${port} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      return { container: running, brokers: `${host}:${port}` };
    } catch (err) {
      await running?.stop().catch(() => undefined);
      const message = err instanceof Error ? err.message : String(err);
      if (attempt < 3 && /address already in use|already allocated|bind/i.test(message)) {
        log(`kafka port ${port} was taken meanwhile (${message}); retrying with another port`);
        continue;
      }
      throw new Error(`starting kafka (${image}) failed: ${message}${tail.toString()}`);
    }
  }
}

/** A running MongoDB-wire server; stop() also stops what it stores into (FerretDB's PostgreSQL). */
interface RunningMongo {
  url: string;
  stop(): Promise<void>;
}

async function startMongo(
  engine: Engine,
  image: ImageChoice,
  host: string,
  session: string,
  log: Log,
  backend: FerretDbBackend = ferretDbBackend(),
): Promise<RunningMongo> {
  if (image.recipe !== 'ferretdb') {
    if (process.env.KYC_FERRETDB_BACKEND) log(`KYC_FERRETDB_BACKEND is ignored: the MongoDB-wire image is ${image.image}, not the local FerretDB`);
    return startMongoContainer(engine, image.image, host, session, log);
  }
  if (backend === 'postgresql' && !engine.local) {
    // Its FerretDB shares the host's network to reach PostgreSQL: only a local engine has that host.
    if (process.env.KYC_FERRETDB_BACKEND) throw new Error('KYC_FERRETDB_BACKEND=postgresql needs a container engine on this machine');
    log('the container engine is not on this machine: FerretDB runs on its SQLite backend');
    backend = 'sqlite';
  }
  if (backend === 'sqlite') return startMongoContainer(engine, image.image, host, session, log);
  const postgres = await startPostgres(log);
  try {
    const mongo = await startMongoContainer(engine, image.image, host, session, log, postgres.url);
    return { url: mongo.url, stop: () => mongo.stop().finally(() => postgres.stop()) };
  } catch (err) {
    await postgres.stop();
    throw err;
  }
}

/**
 * The MongoDB-wire container. With `postgresUrl`, FerretDB runs on its PostgreSQL backend: in
 * the host's network (the cluster listens on loopback only), on a free port of its own.
 */
async function startMongoContainer(engine: Engine, image: string, host: string, session: string, log: Log, postgresUrl?: string): Promise<RunningMongo> {
  const tail = new LogTail('mongo', log, debugLogs());
  const t0 = Date.now();
  let running: StartedTestContainer | undefined;
  try {
    const { Wait } = await testcontainers();
    const base = (await container(image, engine.local))
      .withLabels(containerLabels('mongo', session))
      .withWaitStrategy(Wait.forLogMessage(MONGO_STARTED))
      .withStartupTimeout(STARTUP_TIMEOUT_MS)
      .withLogConsumer(tail.consume);
    let port: number;
    if (postgresUrl) {
      port = await freePort();
      running = await base
        .withNetworkMode('host')
        .withEnvironment({ FERRETDB_HANDLER: 'postgresql', FERRETDB_POSTGRESQL_URL: postgresUrl, FERRETDB_LISTEN_ADDR: `127.0.0.1:${port}` })
        .start();
    } else {
      running = await base.withExposedPorts(27017).start();
      port = running.getMappedPort(27017);
    }
    await waitForTcp(host, port, 30_000);
    log(`mongo (${image}${postgresUrl ? ', PostgreSQL backend' : ''}) ready at ${host}:${port} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const started = running;
    return { url: `mongodb://${host}:${port}/`, stop: () => started.stop({ timeout: 0, remove: true }).then(() => undefined) };
  } catch (err) {
    await running?.stop().catch(() => undefined);
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`starting mongo (${image}) failed: ${message}${tail.toString()}`);
  }
}

/**
 * Starts only a MongoDB-wire server (no Kafka), e.g. to compare FerretDB's backends side by
 * side: `backend` overrides KYC_FERRETDB_BACKEND for the local FerretDB image; `image` runs that
 * image instead (e.g. `mongo:7` where a registry or a local copy has it).
 */
export async function startMongoWire(
  opts: StartDevServicesOptions & { backend?: FerretDbBackend; image?: string } = {},
): Promise<{ mongoUrl: string; stop(): Promise<void> }> {
  const log = opts.log ?? defaultLog;
  const engine = await prepareEngine(log);
  const choice: ImageChoice = opts.image ? { image: opts.image, source: 'configured' } : (await ensureDevImages(engine, log)).mongo;
  await removeOrphans(log);
  const host = engine.local ? '127.0.0.1' : await engineHost();
  const mongo = await startMongo(engine, choice, host, randomUUID(), log, opts.backend ?? ferretDbBackend());
  let stopping: Promise<void> | undefined;
  return { mongoUrl: mongo.url, stop: () => (stopping ??= mongo.stop()) };
}

/**
 * Starts one more Kafka broker in a container of its own, for tests that do to a broker what
 * must not happen to the run's shared one. By default it is handed out the moment its port
 * accepts connections, long before it has settled (start-up races); `readiness: 'started'` waits
 * for the broker to say it started. `restart()` restarts the container (same port, same data), as
 * an operator's broker restart would.
 */
export async function startFreshKafka(
  opts: StartDevServicesOptions & { readiness?: 'started' | 'port' } = {},
): Promise<{ kafkaBrokers: string; stop(): Promise<void>; restart(): Promise<void> }> {
  const log = opts.log ?? defaultLog;
  const engine = await prepareEngine(log);
  const images = await ensureDevImages(engine, log);
  const host = engine.local ? '127.0.0.1' : await engineHost();
  const session = randomUUID();
  const kafka = await startKafka(engine, images.kafka.image, host, session, log, opts.readiness ?? 'port');
  return {
    kafkaBrokers: kafka.brokers,
    stop: () => kafka.container.stop({ timeout: 0, remove: true }).then(() => undefined),
    // A graceful stop (up to 10 s), then a start with the same wait for "started" as the first.
    restart: () => kafka.container.restart({ timeout: 10_000 }),
  };
}

/**
 * Starts a single-node Kafka 3.9 (KRaft) and a MongoDB-wire server in containers
 * (in parallel) and returns their host addresses. Prepares the container engine
 * and builds missing local images first (see README).
 */
export async function startDevServices(opts: StartDevServicesOptions = {}): Promise<DevServices> {
  const log = opts.log ?? defaultLog;
  const engine = await prepareEngine(log);
  const images = await ensureDevImages(engine, log);
  await removeOrphans(log);
  const host = engine.local ? '127.0.0.1' : await engineHost();

  const session = randomUUID();
  log(`starting kafka (${images.kafka.image}) and mongo (${images.mongo.image}) ...`);
  const [kafka, mongo] = await Promise.allSettled([
    startKafka(engine, images.kafka.image, host, session, log),
    startMongo(engine, images.mongo, host, session, log),
  ]);
  if (kafka.status === 'rejected' || mongo.status === 'rejected') {
    await Promise.allSettled([
      kafka.status === 'fulfilled' ? kafka.value.container.stop() : undefined,
      mongo.status === 'fulfilled' ? mongo.value.stop() : undefined,
    ]);
    // A container whose wait strategy failed is not handed back by testcontainers.
    await removeSession(session).catch(() => undefined);
    const reasons = [kafka, mongo].filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => String(r.reason instanceof Error ? r.reason.message : r.reason));
    throw new Error(reasons.join('\n\n'));
  }

  let stopping: Promise<void> | undefined;
  const kafkaContainer = kafka.value.container;
  const mongoServer = mongo.value;
  const stops = [() => kafkaContainer.stop({ timeout: 0, remove: true }), () => mongoServer.stop()];
  return {
    kafkaBrokers: kafka.value.brokers,
    mongoUrl: mongo.value.url,
    stop(): Promise<void> {
      stopping ??= (async () => {
        const results = await Promise.allSettled(stops.map((stop) => stop()));
        const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed.length) throw new Error(`stopping dev services: ${failed.map((f) => String(f.reason)).join('; ')}`);
        log('kafka and mongo stopped');
      })();
      return stopping;
    },
  };
}
