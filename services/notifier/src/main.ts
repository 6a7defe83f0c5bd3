import { createLogger, createMetricsRegistry, onShutdown, runMain, startAdminServer } from '@kyc/core';
import { startGrpcServer } from '@kyc/grpc-kit';
import { eventBusFor, TOPICS } from '@kyc/kafka-bus';
import { connectMongo, ensureIndexes, MongoProcessedEvents } from '@kyc/mongo-kit';
import { subscribeToReviewOutcomes } from './adapters/kafka/review-consumer';
import { NotificationRepository } from './adapters/mongo/notification-repository';
import { loadNotifierConfig } from './config';

const SERVICE = 'notifier';

runMain(SERVICE, async () => {
  const config = loadNotifierConfig();
  const logger = createLogger(SERVICE);
  const metrics = createMetricsRegistry(SERVICE);
  const mongo = await connectMongo(config.mongo.url, config.mongo.db, logger);
  const notifications = new NotificationRepository(mongo);
  await ensureIndexes([notifications.model]);

  const bus = eventBusFor(SERVICE, config.kafka, logger);
  await bus.connect();
  await bus.ensureTopics([TOPICS.review]);
  const outcomes = await subscribeToReviewOutcomes({ bus, processed: new MongoProcessedEvents(mongo), notifications, logger });

  // No gRPC API of its own yet: the server carries the standard health service for probes.
  const grpc = await startGrpcServer({ port: config.grpcPort, listen: config.grpc, tls: config.grpcTls, services: [], logger });
  const admin = await startAdminServer(metrics, config.metricsPort);
  logger.info({ grpcPort: grpc.port, metricsPort: admin.port }, 'ready');

  onShutdown(logger, [
    { name: 'stop consuming', run: () => outcomes.stop() },
    { name: 'stop grpc intake', run: () => grpc.shutdown() },
    { name: 'disconnect kafka', run: () => bus.disconnect() },
    { name: 'close mongo', run: () => mongo.close() },
    { name: 'close admin server', run: () => admin.close() },
  ]);
});
