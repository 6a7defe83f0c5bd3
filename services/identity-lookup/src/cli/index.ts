/** identity-lookup's operator commands (campus rosters), for the `kyc` command (packages/operator-cli). */
export * from './rosters';
export type { ImportProgress, RejectedRow, SchoolChanges } from '../application/roster-import';
export type { School } from '../domain/roster';
