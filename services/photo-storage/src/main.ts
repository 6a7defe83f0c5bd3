import { createLogger, createMetricsRegistry, onShutdown, runMain, startAdminServer } from '@kyc/core';
import { startGrpcServer } from '@kyc/grpc-kit';
import { eventBusFor, subscribeToRedactionRequests, TOPICS } from '@kyc/kafka-bus';
import { connectMongo, ensureIndexes, MongoProcessedEvents, OutboxRelay } from '@kyc/mongo-kit';
import { masterKeyFromHex, PiiCipher } from '@kyc/pii-crypto';
import { photoStorageGrpc } from './adapters/grpc/photo-storage-grpc';
import { subscribeToReviewEvents } from './adapters/kafka/review-consumer';
import { createUploadMetrics } from './adapters/metrics/upload-metrics';
import { AbandonedUploadSweeper } from './adapters/mongo/abandoned-upload-sweeper';
import { BlobStore } from './adapters/mongo/blob-store';
import { PhotoSubjectErasure } from './adapters/mongo/photo-erasure';
import { PhotoRepository } from './adapters/mongo/photo-repository';
import { loadPhotoStorageConfig } from './config';

const SERVICE = 'photo-storage';

runMain(SERVICE, async () => {
  const config = loadPhotoStorageConfig();
  const logger = createLogger(SERVICE);
  const metrics = createMetricsRegistry(SERVICE);
  const cipher = new PiiCipher(masterKeyFromHex(config.masterKey, config.masterKeyId));

  const mongo = await connectMongo(config.mongo.url, config.mongo.db, logger);
  const photos = new PhotoRepository(mongo, cipher, TOPICS.photo, logger, config.photo.maxBytes, config.photo.maxObjectsPerSubject);
  await ensureIndexes([photos.model]);

  const bus = eventBusFor(SERVICE, config.kafka, logger, metrics);
  await bus.connect();
  await bus.ensureTopics([TOPICS.photo, TOPICS.review, TOPICS.redaction]);
  const outbox = photos.outboxSource();
  const relay = new OutboxRelay(outbox.collection, (r) => bus.publish(r.topic, r).then(() => undefined), logger, { locks: outbox.locks, metrics });
  relay.start();
  const processed = new MongoProcessedEvents(mongo);
  const reviews = await subscribeToReviewEvents({ bus, processed, photos, logger });
  const photoErasure = new PhotoSubjectErasure(outbox, new BlobStore(mongo, config.photo.maxBytes));
  const redactions = await subscribeToRedactionRequests({ bus, processed, groupId: 'photo-storage.redaction', erasures: [photoErasure], logger });
  const uploadRetention = new AbandonedUploadSweeper(outbox.collection, photoErasure, config.uploadRetention, logger, metrics);
  uploadRetention.start();

  const sweep = () =>
    photos
      .sweepStaleObjects(config.photo.objectTtlSeconds)
      .then((removed) => removed > 0 && logger.info({ removed }, 'stale unbound objects removed'))
      .catch((err: Error) => logger.warn({ err: err.message }, 'stale object sweep failed; will retry'))
      .then(() => photos.sweepOrphans(config.photo.orphanGraceSeconds))
      .then((removed) => removed > 0 && logger.info({ removed }, 'orphan photo blobs removed'))
      .catch((err: Error) => logger.warn({ err: err.message }, 'orphan sweep failed; will retry'));
  const sweeper = setInterval(() => void sweep(), config.photo.sweepIntervalSeconds * 1000);
  sweeper.unref();

  const grpc = await startGrpcServer({
    port: config.grpcPort,
    listen: config.grpc,
    tls: config.grpcTls,
    services: [
      photoStorageGrpc({
        photos,
        limits: { maxBytes: config.photo.maxBytes, minSide: config.photo.minSidePx, maxSide: config.photo.maxSidePx },
        metrics: createUploadMetrics(metrics),
        logger,
      }),
    ],
    logger,
  });
  const admin = await startAdminServer(metrics, config.metricsPort);
  logger.info({ grpcPort: grpc.port, metricsPort: admin.port }, 'ready');

  onShutdown(logger, [
    { name: 'stop consuming', run: async () => void (await Promise.all([reviews.stop(), redactions.stop()])) },
    { name: 'stop grpc intake and drain', run: () => grpc.shutdown() },
    { name: 'stop sweepers', run: async () => (clearInterval(sweeper), uploadRetention.stop()) },
    { name: 'finish queued blob deletions', run: () => photos.flushDiscards() },
    { name: 'flush outbox', run: () => relay.stop() },
    { name: 'disconnect kafka', run: () => bus.disconnect() },
    { name: 'close mongo', run: () => mongo.close() },
    { name: 'close admin server', run: () => admin.close() },
  ]);
});
