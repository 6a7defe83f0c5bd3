import { RosterMethodDeps } from '../roster-match/roster-method';
import { whitelistMethod } from '../roster-whitelist/roster-whitelist-method';
import { VerificationMethod } from '../method';
import { EcardDeps } from './ecard-check';

export const ECARD_PASSWORD = 'ecard-password';

/**
 * Seed 003 ECARD: outid + name + the e-card consumption password, checked by the school's e-card
 * system. The roster finds the person and their school (the answer carries the school's data);
 * the school must run an e-card system (ecardSchool), otherwise ECARD.NOT_AVAILABLE. The password
 * is used for the one check at start and kept nowhere.
 */
export const ecardPasswordMethod = (deps: RosterMethodDeps & EcardDeps): VerificationMethod =>
  whitelistMethod({ name: ECARD_PASSWORD, pattern: 'ECARD', ecard: 'always' }, deps);
