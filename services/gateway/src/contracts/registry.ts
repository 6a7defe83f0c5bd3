import { appAuthContract } from './app-auth';
import { PartnerContract } from './contract';
import { idcardCheckContract } from './idcard-check';
import { memberStatusContract } from './member-status';
import { platformContract } from './platform';
import { ucenterContract } from './ucenter';
import { userValidateContract } from './user-validate';

/**
 * The partner contracts the gateway serves, mounted in this order. Adding one: create
 * `src/contracts/<name>/index.ts` exporting a `PartnerContract` (routes, envelope, error table,
 * `openapi.yaml` fragment; it may use application use cases and ports, never another contract or
 * an adapter), then add one line here.
 */
export const PARTNER_CONTRACTS: readonly PartnerContract[] = [
  platformContract,
  memberStatusContract,
  userValidateContract,
  idcardCheckContract,
  appAuthContract,
  ucenterContract,
];
