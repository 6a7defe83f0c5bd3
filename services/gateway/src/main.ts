import { createHmac } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { createLogger, createMetricsRegistry, onShutdown, runMain, startAdminServer } from '@kyc/core';
import { eventBusFor, TOPICS } from '@kyc/kafka-bus';
import { connectMongo, ensureIndexes, MongoProcessedEvents, OutboxRecord, OutboxRelay } from '@kyc/mongo-kit';
import { masterKeyFromHex, PiiCipher } from '@kyc/pii-crypto';
import { createDownstreamClients } from './adapters/grpc/downstream-clients';
import { grpcIdentitiesPort, grpcLivenessPort, grpcMobileCodesPort, grpcPhotosPort, grpcReviewCasesPort, grpcVerificationsPort, grpcVerifiedHoldersPort } from './adapters/grpc/platform-ports';
import { CompanyKeyRepository } from './adapters/mongo/company-key-repository';
import { MemberSubmissionRepository } from './adapters/mongo/member-submission-repository';
import { MergeAttemptRepository } from './adapters/mongo/merge-attempt-repository';
import { SubmissionPublisher } from './adapters/kafka/submission-publisher';
import { PartnerRepository } from './adapters/mongo/partner-repository';
import { SessionRepository } from './adapters/mongo/session-repository';
import { AppTokenRepository } from './adapters/mongo/app-token-repository';
import { AppAuthDraftRepository } from './adapters/mongo/app-auth-draft-repository';
import { DraftRetentionSweeper } from './adapters/mongo/draft-retention-sweeper';
import { RedactionRepository } from './adapters/mongo/redaction-repository';
import { GatewaySubjectErasure } from './adapters/mongo/subject-erasure';
import { subscribeToRedactions } from './adapters/kafka/redaction-consumer';
import { createGatewayApp } from './app';
import { cachedPartners, cachedSessions, cachedSubjects } from './adapters/cache/read-through-caches';
import { startReviewerServer } from './adapters/http/reviewer-app';
import { ReviewerRepository } from './adapters/mongo/reviewer-repository';
import { loadGatewayConfig } from './config';
import { createObjectStore } from './object-store';

const SERVICE = 'gateway';

runMain(SERVICE, async () => {
  const config = loadGatewayConfig();
  const logger = createLogger(SERVICE);
  const metrics = createMetricsRegistry(SERVICE);
  const cipher = new PiiCipher(masterKeyFromHex(config.masterKey, config.masterKeyId));
  let ready = false;

  const mongo = await connectMongo(config.mongo.url, config.mongo.db, logger);
  const companyKeys = new CompanyKeyRepository(mongo);
  const partners = new PartnerRepository(mongo, cipher, (appId) => companyKeys.publicKeyOf(appId));
  const sessions = new SessionRepository(mongo, cipher);
  const appTokens = new AppTokenRepository(mongo);
  const memberSubmissions = new MemberSubmissionRepository(mongo, cipher);
  const appAuthDrafts = new AppAuthDraftRepository(mongo, cipher);
  const mergeAttempts = new MergeAttemptRepository(mongo, cipher);
  const subjectErasure = new GatewaySubjectErasure({
    subjects: sessions.subjects.collection,
    sessions: sessions.sessions.collection,
    memberSubmissions: memberSubmissions.model.collection,
    appAuthDrafts: appAuthDrafts.model.collection,
    mergeAttempts: mergeAttempts.model.collection,
  });
  const redactions = new RedactionRepository(mongo, cipher, TOPICS.redaction, (subjectId) => subjectErasure.revokeSessions(subjectId));
  await ensureIndexes([companyKeys.model, partners.model, sessions.subjects, sessions.sessions, sessions.nonces, memberSubmissions.model, appAuthDrafts.model, appTokens.model, mergeAttempts.model, redactions.model, redactions.progress]);
  sessions.startSweeper();
  appTokens.startSweeper();
  mergeAttempts.startSweeper();
  const draftRetention = new DraftRetentionSweeper(appAuthDrafts.model.collection, config.draftRetention, logger, metrics);
  draftRetention.start();

  const bus = eventBusFor(SERVICE, config.kafka, logger, metrics);
  await bus.connect();
  // Topics the gateway publishes to (kyc.verification.v1 is realname-pattern's).
  await bus.ensureTopics([TOPICS.submission, TOPICS.partner, TOPICS.redaction]);
  const publish = (r: OutboxRecord) => bus.publish(r.topic, r).then(() => undefined);
  // Partner settings changes (queued by this process or by `kyc partner`) reach the notifier.
  const partnerRelay = new OutboxRelay(partners.model.collection, publish, logger, { metrics });
  partnerRelay.start();
  // Redaction requests reach every service (the gateway's own share included); their reports come back.
  const redactionRelay = new OutboxRelay(redactions.model.collection, publish, logger, { metrics });
  redactionRelay.start();
  const redactionConsumers = await subscribeToRedactions({
    bus,
    processed: new MongoProcessedEvents(mongo),
    erasure: subjectErasure,
    progress: redactions,
    logger,
  });
  const clients = createDownstreamClients(
    { realnamePattern: config.realnamePatternTarget, identityLookup: config.identityLookupTarget, photoStorage: config.photoStorageTarget },
    logger,
    config.grpcTls,
  );

  const urlSigningKey = config.urlSigningKey
    ? Buffer.from(config.urlSigningKey, 'hex')
    : createHmac('sha256', Buffer.from(config.masterKey, 'hex')).update('gateway:signed-urls').digest();
  const photos = grpcPhotosPort(clients, config.photo.transferDeadlineMs);
  const objectStore = createObjectStore(
    {
      ...config.objectStore,
      endpoint: config.objectStore.endpoint || config.publicBaseUrl,
      ttlSeconds: config.objectStore.stsTtlSeconds,
      urlTtlSeconds: config.signedUrlTtlSeconds,
      signingKey: urlSigningKey,
      maxBytes: config.photo.maxBytes,
    },
    { photos, logger },
  );

  const credentialCache = { ttlMs: config.authCacheSeconds * 1000, max: 100_000 };
  const app = createGatewayApp({
    logger,
    metrics,
    isReady: () => ready && mongo.readyState === 1,
    rateLimitPerMinute: config.rateLimitPerMinute,
    accessLog: config.accessLog,
    context: {
      logger,
      ports: {
        partners: cachedPartners(partners, credentialCache),
        subjects: cachedSubjects(sessions, credentialCache),
        nonces: sessions,
        sessions: cachedSessions(sessions, credentialCache),
        appTokens,
        verifications: grpcVerificationsPort(clients),
        identities: grpcIdentitiesPort(clients),
        photos,
        reviewCases: grpcReviewCasesPort(clients),
        submissions: new SubmissionPublisher(bus, cipher),
        memberSubmissions,
        objectStore: objectStore.port,
        appAuthDrafts,
        liveness: grpcLivenessPort(clients),
        providerVerifications: grpcVerificationsPort({ verifications: clients.campusProviders }),
        mobileCodes: grpcMobileCodesPort(clients),
        userMerges: {
          ...grpcVerifiedHoldersPort(clients),
          keepAttempt: (attempt) => mergeAttempts.keepAttempt(attempt),
          findAttempt: (partnerId, subjectId, authInfo) => mergeAttempts.findAttempt(partnerId, subjectId, authInfo),
          recordMerge: (partnerId, subjectId, ticket) => mergeAttempts.recordMerge(partnerId, subjectId, ticket),
        },
        redactions,
      },
      settings: {
        sessionTtlSeconds: config.sessionTtlSeconds,
        signatureMaxSkewSeconds: config.signatureMaxSkewSeconds,
        photo: config.photo,
        publicBaseUrl: config.publicBaseUrl,
        urlSigningKey,
        signedUrlTtlSeconds: config.signedUrlTtlSeconds,
      },
    },
    objectStore,
  });
  const server = http.createServer(app);
  // Bounded request lifetimes: a slow client cannot hold a connection forever.
  server.requestTimeout = 60_000;
  server.headersTimeout = 15_000;
  await new Promise<void>((resolve) => server.listen(config.httpPort, '0.0.0.0', resolve));
  const reviewers = new ReviewerRepository(mongo);
  await ensureIndexes([reviewers.model]);
  const reviewerApi = await startReviewerServer({
    port: config.reviewerHttpPort,
    host: config.reviewerHttpHost,
    reviewers,
    clients,
    logger,
    metrics,
    isReady: () => ready && mongo.readyState === 1,
  });
  const admin = await startAdminServer(metrics, config.metricsPort);
  ready = true;
  logger.info({ httpPort: (server.address() as AddressInfo).port, metricsPort: admin.port }, 'ready');

  onShutdown(logger, [
    {
      name: 'stop reviewer api intake and drain',
      run: () => reviewerApi.close(),
    },
    {
      name: 'stop http intake and drain',
      run: async () => {
        ready = false;
        await new Promise<void>((resolve) => server.close(() => resolve()));
      },
    },
    { name: 'stop consuming redactions', run: async () => void (await Promise.all(redactionConsumers.map((c) => c.stop()))) },
    { name: 'flush partner outbox', run: () => partnerRelay.stop() },
    { name: 'flush redaction outbox', run: () => redactionRelay.stop() },
    { name: 'disconnect kafka', run: () => bus.disconnect() },
    { name: 'close grpc clients', run: async () => clients.close() },
    { name: 'close mongo', run: async () => (sessions.stopSweeper(), appTokens.stopSweeper(), mergeAttempts.stopSweeper(), draftRetention.stop(), mongo.close()) },
    { name: 'close admin server', run: () => admin.close() },
  ]);
});
