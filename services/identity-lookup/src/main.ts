import { createLogger, createMetricsRegistry, onShutdown, runMain, startAdminServer } from '@kyc/core';
import { startGrpcServer } from '@kyc/grpc-kit';
import { connectMongo } from '@kyc/mongo-kit';
import { identityLookupGrpc } from './adapters/grpc/identity-lookup-grpc';
import { loadIdentityLookupConfig } from './config';

const SERVICE = 'identity-lookup';

runMain(SERVICE, async () => {
  const config = loadIdentityLookupConfig();
  const logger = createLogger(SERVICE);
  const metrics = createMetricsRegistry(SERVICE);
  // Identity records (verified identities by blind index) live here; see the README roadmap.
  const mongo = await connectMongo(config.mongo.url, config.mongo.db, logger);

  const grpc = await startGrpcServer({
    port: config.grpcPort,
    listen: config.grpc,
    tls: config.grpcTls,
    services: [identityLookupGrpc(logger)],
    logger,
  });
  const admin = await startAdminServer(metrics, config.metricsPort);
  logger.info({ grpcPort: grpc.port, metricsPort: admin.port }, 'ready');

  onShutdown(logger, [
    { name: 'stop grpc intake and drain', run: () => grpc.shutdown() },
    { name: 'close mongo', run: () => mongo.close() },
    { name: 'close admin server', run: () => admin.close() },
  ]);
});
