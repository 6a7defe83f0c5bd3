import { createLogger, createMetricsRegistry, onShutdown, runMain, splitList, startAdminServer } from '@kyc/core';
import { startGrpcServer } from '@kyc/grpc-kit';
import { connectMongo, ensureIndexes } from '@kyc/mongo-kit';
import { masterKeyFromHex, PiiCipher } from '@kyc/pii-crypto';
import { loadRegionCatalog } from './adapters/data/region-catalog';
import { identityErasureGrpc } from './adapters/grpc/identity-erasure-grpc';
import { identityLookupGrpc } from './adapters/grpc/identity-lookup-grpc';
import { rosterGrpc } from './adapters/grpc/roster-grpc';
import { RosterRepository } from './adapters/mongo/roster-repository';
import { SubjectRecordsErasure } from './adapters/mongo/subject-records-erasure';
import { VerifiedIdentityRepository } from './adapters/mongo/verified-identity-repository';
import { VerifiedMobileRepository } from './adapters/mongo/verified-mobile-repository';
import { RosterMatching } from './application/roster-matching';
import { VerifiedIdentities } from './application/verified-identities';
import { VerifiedMobiles } from './application/verified-mobiles';
import { loadIdentityLookupConfig } from './config';

const SERVICE = 'identity-lookup';

runMain(SERVICE, async () => {
  const config = loadIdentityLookupConfig();
  const logger = createLogger(SERVICE);
  const metrics = createMetricsRegistry(SERVICE);
  const cipher = new PiiCipher(masterKeyFromHex(config.masterKey, config.masterKeyId));
  const regions = loadRegionCatalog();

  const mongo = await connectMongo(config.mongo.url, config.mongo.db, logger);
  const verifiedIdentities = new VerifiedIdentityRepository(mongo, cipher);
  const verifiedMobiles = new VerifiedMobileRepository(mongo, cipher);
  const rosters = new RosterRepository(mongo, cipher);
  await ensureIndexes([verifiedIdentities.model, verifiedMobiles.model, ...rosters.models]);
  const identities = new VerifiedIdentities(verifiedIdentities, regions);
  const mobiles = new VerifiedMobiles(verifiedMobiles);
  const matching = new RosterMatching(rosters);

  const grpc = await startGrpcServer({
    port: config.grpcPort,
    listen: config.grpc,
    tls: config.grpcTls,
    services: [
      identityLookupGrpc({ identities, mobiles, transferStores: { identities: verifiedIdentities, mobiles: verifiedMobiles }, regions, recordCallers: splitList(config.recordAllowedCallers), logger }),
      rosterGrpc({ matching, allowedCallers: splitList(config.rosterAllowedCallers), logger }),
      identityErasureGrpc({
        erasure: new SubjectRecordsErasure(verifiedIdentities, verifiedMobiles.model.collection),
        allowedCallers: splitList(config.recordAllowedCallers),
        logger,
      }),
    ],
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
