import { verification } from '@kyc/contracts';
import { createLogger, createMetricsRegistry, onShutdown, runMain, startAdminServer } from '@kyc/core';
import { createClient, startGrpcServer } from '@kyc/grpc-kit';
import { eventBusFor, subscribeToRedactionRequests, TOPICS } from '@kyc/kafka-bus';
import { connectMongo, DocumentLocks, ensureIndexes, MongoProcessedEvents } from '@kyc/mongo-kit';
import { masterKeyFromHex, PiiCipher } from '@kyc/pii-crypto';
import { exposeProviderBreakerStates } from '@kyc/provider-kit';
import { GrpcVerificationDetails } from './adapters/grpc/verification-details';
import { notifierGrpc } from './adapters/grpc/notifier-grpc';
import { HttpCallbackSender } from './adapters/http/callback-sender';
import { subscribeToPartnerSettings } from './adapters/kafka/partner-settings-consumer';
import { subscribeToReviewOutcomes } from './adapters/kafka/review-consumer';
import { subscribeToCompletedVerifications } from './adapters/kafka/verification-consumer';
import { subscribeToMobileCodes } from './adapters/kafka/mobile-code-consumer';
import { exposeCallbackBacklog } from './adapters/metrics/callback-backlog';
import { PromCallbackMetrics } from './adapters/metrics/callback-metrics';
import { CallbackSubjectErasure } from './adapters/mongo/callback-erasure';
import { CallbackRepository } from './adapters/mongo/callback-repository';
import { DeliveryAttemptRepository } from './adapters/mongo/delivery-attempt-repository';
import { NotificationRepository } from './adapters/mongo/notification-repository';
import { PartnerEndpointRepository } from './adapters/mongo/partner-endpoint-repository';
import { CallbackAdmin } from './application/callback-admin';
import { CallbackIntake } from './application/callback-intake';
import { CallbackDispatcher } from './application/dispatcher';
import { MobileCodeMessages } from './application/mobile-code-messages';
import { loadNotifierConfig } from './config';
import { selectSms } from './providers/sms/select-sms';

const SERVICE = 'notifier';

runMain(SERVICE, async () => {
  const config = loadNotifierConfig();
  const logger = createLogger(SERVICE);
  const metrics = createMetricsRegistry(SERVICE);
  exposeProviderBreakerStates(metrics);
  const cipher = new PiiCipher(masterKeyFromHex(config.masterKey, config.masterKeyId));
  const mongo = await connectMongo(config.mongo.url, config.mongo.db, logger);
  const notifications = new NotificationRepository(mongo);
  // One lock table for the dispatcher's writes of callbacks and a redaction's deletes of them.
  const callbackLocks = new DocumentLocks();
  const c = config.callbacks;
  const callbacks = new CallbackRepository(mongo, cipher, callbackLocks);
  const endpoints = new PartnerEndpointRepository(mongo, cipher, c.settingsCacheMs);
  const deliveryLog = new DeliveryAttemptRepository(mongo);
  await ensureIndexes([notifications.model, callbacks.model, endpoints.model, deliveryLog.model]);
  exposeCallbackBacklog(metrics, callbacks.model.collection);

  const realnamePattern = createClient(
    verification.VerificationServiceClient,
    config.realnamePatternTarget,
    { name: 'realname-pattern', logger },
    config.grpcTls,
  );
  const dispatcher = new CallbackDispatcher({
    callbacks,
    endpoints,
    deliveryLog,
    verifications: new GrpcVerificationDetails(realnamePattern),
    sender: new HttpCallbackSender(c.timeoutMs),
    metrics: new PromCallbackMetrics(metrics),
    logger,
    settings: {
      timeoutMs: c.timeoutMs,
      leaseMs: Math.max(c.leaseMs, c.timeoutMs + 5_000),
      maxInFlight: Math.max(1, c.maxInFlight),
      maxInFlightPerPartner: Math.max(1, c.maxInFlightPerPartner),
      retryScale: c.retryScale,
      pollIntervalMs: Math.max(50, c.pollIntervalMs),
    },
  });
  const intake = new CallbackIntake({ callbacks, endpoints, logger, onWork: () => dispatcher.wake() });
  const admin = new CallbackAdmin({ callbacks, deliveryLog, logger, onWork: () => dispatcher.wake() });

  const bus = eventBusFor(SERVICE, config.kafka, logger, metrics);
  await bus.connect();
  await bus.ensureTopics([TOPICS.review, TOPICS.verification, TOPICS.partner, TOPICS.mobileCode, TOPICS.redaction]);
  const processed = new MongoProcessedEvents(mongo);
  const outcomes = await subscribeToReviewOutcomes({ bus, processed, notifications, logger });
  const settings = await subscribeToPartnerSettings({ bus, processed, intake });
  const completed = await subscribeToCompletedVerifications({ bus, processed, intake });
  const redactions = await subscribeToRedactionRequests({
    bus,
    processed,
    groupId: 'notifier.redaction',
    erasures: [
      new CallbackSubjectErasure({
        callbacks: callbacks.model.collection,
        deliveryAttempts: deliveryLog.model.collection,
        notifications: notifications.model.collection,
        locks: callbackLocks,
      }),
    ],
    logger,
  });
  const sms = selectSms(config.sms, logger);
  // The sandbox sends nothing, so any approved-looking template does; a real gateway needs the approved one.
  const templateCode = config.sms.codeTemplateCode || (config.sms.mode === 'sandbox' ? 'SMS_0' : '');
  if (!templateCode) throw new Error('SMS_CODE_TEMPLATE_CODE is required when SMS_MODE=http');
  const mobileCodes = await subscribeToMobileCodes({
    bus,
    processed,
    messages: new MobileCodeMessages({ sms, open: (sealed, context) => cipher.openString(sealed, context), templateCode, logger }),
  });
  dispatcher.start();

  const grpc = await startGrpcServer({
    port: config.grpcPort,
    listen: config.grpc,
    tls: config.grpcTls,
    services: [notifierGrpc({ admin, logger })],
    logger,
  });
  const adminServer = await startAdminServer(metrics, config.metricsPort);
  logger.info({ grpcPort: grpc.port, metricsPort: adminServer.port }, 'ready');

  onShutdown(logger, [
    { name: 'stop consuming', run: async () => void (await Promise.all([outcomes.stop(), settings.stop(), completed.stop(), mobileCodes.stop(), redactions.stop()])) },
    { name: 'stop grpc intake', run: () => grpc.shutdown() },
    { name: 'finish callback attempts in flight', run: () => dispatcher.stop() },
    { name: 'disconnect kafka', run: () => bus.disconnect() },
    { name: 'close clients', run: async () => (realnamePattern.close(), sms.shutdown?.()) },
    { name: 'close mongo', run: () => mongo.close() },
    { name: 'close admin server', run: () => adminServer.close() },
  ]);
});
