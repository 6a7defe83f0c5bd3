import { Logger } from '@kyc/core';
import { ProviderConfigValues, providerClientSettings, requireSettings } from '@kyc/provider-kit';
import { EcardSystem } from './ecard';
import { loadEcardSchools } from './ecard-schools';
import { HttpEcard, HttpEcardOptions } from './http-ecard';
import { SandboxEcard } from './sandbox-ecard';

export interface EcardConfig extends ProviderConfigValues {
  /** The JSON file of the schools' connectors (ECARD_SCHOOLS_FILE); ECARD_URL is not used, every school has its own. */
  schoolsFile: string;
}

/** The adapter ECARD_MODE names; `http` is the default so production never lands on the sandbox. */
export function selectEcard(config: EcardConfig, logger: Logger, onResult?: HttpEcardOptions['onResult']): EcardSystem & { shutdown?(): void } {
  if (config.mode === 'sandbox') {
    logger.warn('e-card: sandbox (deterministic test accounts; not for production)');
    return new SandboxEcard({ timeoutMs: config.timeoutMs });
  }
  requireSettings(config, { schoolsFile: 'ECARD_SCHOOLS_FILE' }, 'ECARD_MODE=http');
  const schools = loadEcardSchools(config.schoolsFile);
  logger.info({ schools: schools.size }, 'e-card: connectors configured');
  return new HttpEcard({ ...providerClientSettings(config), schools, logger, onResult });
}
