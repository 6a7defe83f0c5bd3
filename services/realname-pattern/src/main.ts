import { identity } from '@kyc/contracts';
import { createLogger, createMetricsRegistry, onShutdown, runMain, startAdminServer } from '@kyc/core';
import { createClient, startGrpcServer } from '@kyc/grpc-kit';
import { eventBusFor, TOPICS } from '@kyc/kafka-bus';
import { DocumentLocks, MongoProcessedEvents, OutboxRelay, connectMongo, ensureIndexes } from '@kyc/mongo-kit';
import { masterKeyFromHex, PiiCipher } from '@kyc/pii-crypto';
import { realnamePatternGrpc } from './adapters/grpc/realname-pattern-grpc';
import { subscribeToSubmissions } from './adapters/kafka/submission-consumer';
import { ReviewAuditRepository } from './adapters/mongo/review-audit-repository';
import { ReviewCaseRepository } from './adapters/mongo/review-case-repository';
import { CaseDecisions } from './application/case-decisions';
import { loadRealnamePatternConfig } from './config';

const SERVICE = 'realname-pattern';

runMain(SERVICE, async () => {
  const config = loadRealnamePatternConfig();
  const logger = createLogger(SERVICE);
  const metrics = createMetricsRegistry(SERVICE);
  const cipher = new PiiCipher(masterKeyFromHex(config.masterKey, config.masterKeyId));

  const mongo = await connectMongo(config.mongo.url, config.mongo.db, logger);
  const bus = eventBusFor(SERVICE, config.kafka, logger);
  await bus.connect();
  await bus.ensureTopics([TOPICS.submission, TOPICS.review]);

  // One lock table for every writer of review_cases in this process (see DocumentLocks).
  const locks = new DocumentLocks();
  const cases = new ReviewCaseRepository(mongo, cipher, TOPICS.review, locks);
  const audit = new ReviewAuditRepository(mongo);
  await ensureIndexes([cases.model, audit.model]);
  const decisions = new CaseDecisions(cases, audit, logger);
  const identityLookup = createClient(
    identity.IdentityLookupServiceClient,
    config.identityLookupTarget,
    { name: 'identity-lookup', logger },
    config.grpcTls,
  );

  const relay = new OutboxRelay(cases.model.collection, (r) => bus.publish(r.topic, r).then(() => undefined), logger, { locks });
  relay.start();
  const submissions = await subscribeToSubmissions({ bus, processed: new MongoProcessedEvents(mongo), cases, cipher, identityLookup, logger });
  const grpc = await startGrpcServer({
    port: config.grpcPort,
    listen: config.grpc,
    tls: config.grpcTls,
    services: [realnamePatternGrpc({ cases, decisions, logger })],
    logger,
  });
  const rollForward = decisions.startRollForward(config.rollForwardIntervalMs, config.rollForwardGraceMs);
  const admin = await startAdminServer(metrics, config.metricsPort);
  logger.info({ grpcPort: grpc.port, metricsPort: admin.port }, 'ready');

  onShutdown(logger, [
    { name: 'stop consuming', run: () => submissions.stop() },
    { name: 'stop grpc intake and drain', run: () => grpc.shutdown() },
    { name: 'stop decision roll-forward', run: () => rollForward.stop() },
    { name: 'flush outbox', run: () => relay.stop() },
    { name: 'disconnect kafka', run: () => bus.disconnect() },
    { name: 'close clients', run: async () => identityLookup.close() },
    { name: 'close mongo', run: () => mongo.close() },
    { name: 'close admin server', run: () => admin.close() },
  ]);
});
