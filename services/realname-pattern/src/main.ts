import { identity } from '@kyc/contracts';
import { createLogger, createMetricsRegistry, onShutdown, runMain, splitBrokers, startAdminServer } from '@kyc/core';
import { createClient, startGrpcServer } from '@kyc/grpc-kit';
import { EventBus, TOPICS } from '@kyc/kafka-bus';
import { connectMongo, ensureIndexes, MongoProcessedEvents, OutboxRelay } from '@kyc/mongo-kit';
import { masterKeyFromHex, PiiCipher } from '@kyc/pii-crypto';
import { realnamePatternGrpc } from './adapters/grpc/realname-pattern-grpc';
import { subscribeToSubmissions } from './adapters/kafka/submission-consumer';
import { ReviewCaseRepository } from './adapters/mongo/review-case-repository';
import { loadRealnamePatternConfig } from './config';

const SERVICE = 'realname-pattern';

runMain(SERVICE, async () => {
  const config = loadRealnamePatternConfig();
  const logger = createLogger(SERVICE);
  const metrics = createMetricsRegistry(SERVICE);
  const cipher = new PiiCipher(masterKeyFromHex(config.masterKey, config.masterKeyId));

  const mongo = await connectMongo(config.mongo.url, config.mongo.db, logger);
  const bus = new EventBus({ brokers: splitBrokers(config.kafka.brokers), clientId: SERVICE, logger, topicPrefix: config.kafka.topicPrefix });
  await bus.connect();
  await bus.ensureTopics([TOPICS.submission, TOPICS.review]);

  const cases = new ReviewCaseRepository(mongo, cipher, TOPICS.review);
  await ensureIndexes([cases.model]);
  const identityLookup = createClient(identity.IdentityLookupServiceClient, config.identityLookupTarget, {
    name: 'identity-lookup',
    logger,
  });

  const relay = new OutboxRelay(cases.model.collection, (r) => bus.publish(r.topic, r).then(() => undefined), logger);
  relay.start();
  const submissions = await subscribeToSubmissions({
    bus,
    processed: new MongoProcessedEvents(mongo),
    cases,
    cipher,
    identityLookup,
    logger,
  });
  const grpc = await startGrpcServer({ port: config.grpcPort, services: [realnamePatternGrpc({ cases, logger })], logger });
  const admin = await startAdminServer(metrics, config.metricsPort);
  logger.info({ grpcPort: grpc.port, metricsPort: admin.port }, 'ready');

  onShutdown(logger, [
    { name: 'stop consuming', run: () => submissions.stop() },
    { name: 'stop grpc intake and drain', run: () => grpc.shutdown() },
    { name: 'flush outbox', run: () => relay.stop() },
    { name: 'disconnect kafka', run: () => bus.disconnect() },
    { name: 'close clients', run: async () => identityLookup.close() },
    { name: 'close mongo', run: () => mongo.close() },
    { name: 'close admin server', run: () => admin.close() },
  ]);
});
