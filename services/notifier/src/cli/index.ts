/** The notifier's operator commands (partner callbacks), for the `kyc` command (packages/operator-cli). */
export * from './callbacks';
export type { CallbackRecord, DeliveryAttemptEntry } from '../application/ports';
export type { CallbackState } from '../domain/callback';
