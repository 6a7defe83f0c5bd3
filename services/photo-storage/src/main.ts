import { createLogger, createMetricsRegistry, onShutdown, runMain, startAdminServer } from '@kyc/core';
import { startGrpcServer } from '@kyc/grpc-kit';
import { connectMongo, ensureIndexes } from '@kyc/mongo-kit';
import { photoStorageGrpc } from './adapters/grpc/photo-storage-grpc';
import { PhotoRepository } from './adapters/mongo/photo-repository';
import { loadPhotoStorageConfig } from './config';

const SERVICE = 'photo-storage';

runMain(SERVICE, async () => {
  const config = loadPhotoStorageConfig();
  const logger = createLogger(SERVICE);
  const metrics = createMetricsRegistry(SERVICE);
  const mongo = await connectMongo(config.mongo.url, config.mongo.db, logger);
  const photos = new PhotoRepository(mongo);
  await ensureIndexes([photos.model]);

  const grpc = await startGrpcServer({ port: config.grpcPort, services: [photoStorageGrpc({ photos, logger })], logger });
  const admin = await startAdminServer(metrics, config.metricsPort);
  logger.info({ grpcPort: grpc.port, metricsPort: admin.port }, 'ready');

  onShutdown(logger, [
    { name: 'stop grpc intake and drain', run: () => grpc.shutdown() },
    { name: 'close mongo', run: () => mongo.close() },
    { name: 'close admin server', run: () => admin.close() },
  ]);
});
