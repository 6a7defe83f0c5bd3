import { identity, roster } from '@kyc/contracts';
import { createLogger, createMetricsRegistry, onShutdown, runMain, splitList, startAdminServer } from '@kyc/core';
import { createClient, startGrpcServer } from '@kyc/grpc-kit';
import { eventBusFor, subscribeToRedactionRequests, TOPICS } from '@kyc/kafka-bus';
import { DocumentLocks, MongoProcessedEvents, OutboxRecord, OutboxRelay, connectMongo, ensureIndexes } from '@kyc/mongo-kit';
import { masterKeyFromHex, PiiCipher } from '@kyc/pii-crypto';
import { exposeProviderBreakerStates } from '@kyc/provider-kit';
import { identityErasure } from './adapters/grpc/identity-erasure-client';
import { identityRegistryClient } from './adapters/grpc/identity-registry-client';
import { realnamePatternGrpc } from './adapters/grpc/realname-pattern-grpc';
import { rosterClient } from './adapters/grpc/roster-client';
import { verificationGrpc } from './adapters/grpc/verification-grpc';
import { subscribeToSubmissions } from './adapters/kafka/submission-consumer';
import { reviewOutboxRecord } from './adapters/kafka/review-events';
import { verificationOutboxRecord } from './adapters/kafka/verification-events';
import { mobileCodeOutboxRecord } from './adapters/kafka/mobile-code-events';
import { MobileCodeRepository, mobileCodeCrypto } from './adapters/mongo/mobile-code-repository';
import { verificationMetrics } from './adapters/metrics/verification-metrics';
import { ReviewAuditRepository } from './adapters/mongo/review-audit-repository';
import { ReviewCaseRepository } from './adapters/mongo/review-case-repository';
import { VerificationSubjectErasure } from './adapters/mongo/verification-erasure';
import { VerificationRepository } from './adapters/mongo/verification-repository';
import { CaseDecisions } from './application/case-decisions';
import { MobileCodes } from './application/mobile-codes';
import { ProcessVerifications } from './application/process-verifications';
import { ReviewVerifications } from './application/review-verifications';
import { StartVerification } from './application/start-verification';
import { loadRealnamePatternConfig } from './config';
import { createMethodRegistry } from './methods/registry';
import { sendMergeCode } from './methods/user-merge/user-merge-method';
import { selectIdAuthority } from './providers/id-authority/select-id-authority';
import { selectLiveness } from './providers/liveness/select-liveness';
import { selectEcard } from './providers/ecard/select-ecard';
import { selectUnionpayFace } from './providers/unionpay-face/select-unionpay-face';
import { selectWechatFace } from './providers/wechat-face/select-wechat-face';

const SERVICE = 'realname-pattern';

runMain(SERVICE, async () => {
  const config = loadRealnamePatternConfig();
  const logger = createLogger(SERVICE);
  const metrics = createMetricsRegistry(SERVICE);
  exposeProviderBreakerStates(metrics);
  const cipher = new PiiCipher(masterKeyFromHex(config.masterKey, config.masterKeyId));

  const mongo = await connectMongo(config.mongo.url, config.mongo.db, logger);
  const bus = eventBusFor(SERVICE, config.kafka, logger, metrics);
  await bus.connect();
  await bus.ensureTopics([TOPICS.submission, TOPICS.review, TOPICS.verification, TOPICS.mobileCode, TOPICS.redaction]);

  // One lock table for every writer of review_cases in this process (see DocumentLocks).
  const locks = new DocumentLocks();
  const cases = new ReviewCaseRepository(mongo, cipher, (event, meta) => reviewOutboxRecord(TOPICS.review, event, meta), locks);
  const audit = new ReviewAuditRepository(mongo);
  const verifications = new VerificationRepository(
    mongo,
    cipher,
    (event, correlationId) => verificationOutboxRecord(TOPICS.verification, event, correlationId),
    locks,
  );
  const mobileCodeStore = new MobileCodeRepository(mongo, (event, correlationId) => mobileCodeOutboxRecord(TOPICS.mobileCode, event, correlationId), locks);
  await ensureIndexes([cases.model, audit.model, verifications.model, mobileCodeStore.model]);
  const mobileCodes = new MobileCodes({ store: mobileCodeStore, crypto: mobileCodeCrypto(cipher), rules: config.mobileCode, logger });
  const identityLookup = createClient(
    identity.IdentityLookupServiceClient,
    config.identityLookupTarget,
    { name: 'identity-lookup', logger },
    config.grpcTls,
  );

  // RosterService is served by identity-lookup too; this service is its allowed caller.
  const rosterService = createClient(roster.RosterServiceClient, config.identityLookupTarget, { name: 'identity-lookup-roster', logger }, config.grpcTls, 'identity-lookup');
  const identities = identityRegistryClient(identityLookup);
  // identity-lookup's erasure of verified records, which this service carries for a redaction.
  const identityErasureService = createClient(identity.IdentityErasureServiceClient, config.identityLookupTarget, { name: 'identity-lookup-erasure', logger }, config.grpcTls, 'identity-lookup');
  const figures = verificationMetrics(metrics);
  const authority = selectIdAuthority(config.idAuthority, logger, figures.onAuthorityResult);
  const liveness = selectLiveness(config.liveness, logger);
  const ecard = selectEcard(config.ecard, logger);
  const wechatFace = selectWechatFace(config.wechatFace, logger);
  const unionpayFace = selectUnionpayFace(config.unionpayFace, logger);
  const methods = createMethodRegistry({ authority, identities, reviewCases: cases, liveness,
    roster: rosterClient(rosterService),
    ecard,
    wechatFace,
    unionpayFace,
    wechatFaceMaxAgeMs: config.wechatFace.maxAgeMs,
    mobileCodes,
    mobiles: identities,
    logger,
  });
  const processing = new ProcessVerifications({
    store: verifications,
    methods,
    logger,
    options: { ...config.verificationProcessing, giveUpMs: config.idAuthority.giveUpMs },
    onCompleted: figures.onCompleted,
  });
  const reviewVerifications = new ReviewVerifications({ store: verifications, cases, methods, kick: (id) => processing.kick(id), logger });
  const decisions = new CaseDecisions(cases, audit, logger, reviewVerifications);
  const startVerification = new StartVerification({
    store: verifications,
    methods,
    identities,
    onStarted: (v) => processing.kick(v.id),
    logger,
  });

  const publish = (r: OutboxRecord) => bus.publish(r.topic, r).then(() => undefined);
  const relay = new OutboxRelay(cases.model.collection, publish, logger, { locks, metrics });
  relay.start();
  const verificationRelay = new OutboxRelay(verifications.model.collection, publish, logger, { locks, metrics });
  verificationRelay.start();
  const mobileCodeRelay = new OutboxRelay(mobileCodeStore.model.collection, publish, logger, { locks, metrics });
  mobileCodeRelay.start();
  const processed = new MongoProcessedEvents(mongo);
  const submissions = await subscribeToSubmissions({ bus, processed, cases, reviewVerifications, cipher, identityLookup, logger });
  const redactions = await subscribeToRedactionRequests({
    bus,
    processed,
    groupId: 'realname-pattern.redaction',
    erasures: [
      new VerificationSubjectErasure({ verifications: verifications.model.collection, reviewCases: cases.model.collection, mobileCodes: mobileCodeStore.model.collection, locks }),
      identityErasure(identityErasureService),
    ],
    logger,
  });
  const grpc = await startGrpcServer({
    port: config.grpcPort,
    listen: config.grpc,
    tls: config.grpcTls,
    services: [
      { ...realnamePatternGrpc({ cases, decisions, logger }), allowedCallers: splitList(config.reviewApiAllowedCallers) },
      verificationGrpc({
        start: startVerification,
        store: verifications,
        checkNow: async (id) => {
          await verifications.makeDue(id);
          await processing.processOne(id);
        },
        mobileCodes,
        sendMergeCode: (input) => sendMergeCode({ mobileCodes, mobiles: identities }, input),
        logger,
      }),
    ],
    logger,
  });
  const rollForward = decisions.startRollForward(config.rollForwardIntervalMs, config.rollForwardGraceMs);
  const sweep = processing.startSweep();
  const admin = await startAdminServer(metrics, config.metricsPort);
  logger.info({ grpcPort: grpc.port, metricsPort: admin.port }, 'ready');

  onShutdown(logger, [
    { name: 'stop consuming', run: async () => void (await Promise.all([submissions.stop(), redactions.stop()])) },
    { name: 'stop grpc intake and drain', run: () => grpc.shutdown() },
    { name: 'stop decision roll-forward', run: () => rollForward.stop() },
    { name: 'stop verification processing', run: () => sweep.stop() },
    { name: 'flush outbox', run: () => relay.stop() },
    { name: 'flush verification outbox', run: () => verificationRelay.stop() },
    { name: 'flush mobile code outbox', run: () => mobileCodeRelay.stop() },
    { name: 'disconnect kafka', run: () => bus.disconnect() },
    { name: 'close clients', run: async () => (identityLookup.close(), identityErasureService.close(), rosterService.close(), authority.shutdown?.(), liveness.shutdown?.(), ecard.shutdown?.(), wechatFace.shutdown?.(), unionpayFace.shutdown?.()) },
    { name: 'close mongo', run: () => mongo.close() },
    { name: 'close admin server', run: () => admin.close() },
  ]);
});
