import { startDevServices } from '@kyc/dev-services';

/**
 * Starts Kafka and the MongoDB-wire server once for the whole run. There is no skip path: without
 * a container engine this throws and the run fails, saying what to install.
 */
export default async function globalSetup(): Promise<void> {
  const t0 = Date.now();
  const infra = await startDevServices({ log: (line) => process.stderr.write(`[dev-services] ${line}\n`) });
  process.stderr.write(`[dev-services] ready in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  process.env.KYC_TEST_KAFKA_BROKERS = infra.kafkaBrokers;
  process.env.KYC_TEST_MONGO_URL = infra.mongoUrl;
  // What this run left behind (databases, topics, log folders) is told apart by time (personal-data-scan).
  process.env.KYC_TEST_RUN_STARTED_MS = String(t0);
  (globalThis as { __kycInfra?: typeof infra }).__kycInfra = infra;
}
