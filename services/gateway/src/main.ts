import http from 'node:http';
import { AddressInfo } from 'node:net';
import { createLogger, createMetricsRegistry, onShutdown, runMain, startAdminServer } from '@kyc/core';
import { eventBusFor, TOPICS } from '@kyc/kafka-bus';
import { connectMongo, ensureIndexes } from '@kyc/mongo-kit';
import { masterKeyFromHex, PiiCipher } from '@kyc/pii-crypto';
import { createDownstreamClients } from './adapters/grpc/downstream-clients';
import { SubmissionPublisher } from './adapters/kafka/submission-publisher';
import { PartnerRepository } from './adapters/mongo/partner-repository';
import { SessionRepository } from './adapters/mongo/session-repository';
import { createGatewayApp } from './app';
import { startReviewerServer } from './adapters/http/reviewer-app';
import { ReviewerRepository } from './adapters/mongo/reviewer-repository';
import { loadGatewayConfig } from './config';

const SERVICE = 'gateway';

runMain(SERVICE, async () => {
  const config = loadGatewayConfig();
  const logger = createLogger(SERVICE);
  const metrics = createMetricsRegistry(SERVICE);
  const cipher = new PiiCipher(masterKeyFromHex(config.masterKey, config.masterKeyId));
  let ready = false;

  const mongo = await connectMongo(config.mongo.url, config.mongo.db, logger);
  const partners = new PartnerRepository(mongo, cipher);
  const sessions = new SessionRepository(mongo, cipher);
  await ensureIndexes([partners.model, sessions.subjects, sessions.sessions, sessions.nonces]);
  sessions.startSweeper();

  const bus = eventBusFor(SERVICE, config.kafka, logger);
  await bus.connect();
  await bus.ensureTopics([TOPICS.submission]);
  const clients = createDownstreamClients(
    { realnamePattern: config.realnamePatternTarget, identityLookup: config.identityLookupTarget, photoStorage: config.photoStorageTarget },
    logger,
    config.grpcTls,
  );

  const app = createGatewayApp({
    logger,
    metrics,
    partners,
    sessions,
    clients,
    publisher: new SubmissionPublisher(bus, cipher),
    isReady: () => ready && mongo.readyState === 1,
    sessionTtlSeconds: config.sessionTtlSeconds,
    signatureMaxSkewSeconds: config.signatureMaxSkewSeconds,
    rateLimitPerMinute: config.rateLimitPerMinute,
    photo: config.photo,
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
    { name: 'disconnect kafka', run: () => bus.disconnect() },
    { name: 'close grpc clients', run: async () => clients.close() },
    { name: 'close mongo', run: async () => (sessions.stopSweeper(), mongo.close()) },
    { name: 'close admin server', run: () => admin.close() },
  ]);
});
