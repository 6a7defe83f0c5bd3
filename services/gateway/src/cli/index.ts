/**
 * The gateway's operator commands (partners, reviewers, seed 004 company keys), for the `kyc`
 * command (packages/operator-cli). Each takes parsed options, works on the gateway's own
 * database with the gateway's configuration from the environment, and returns data.
 */
export * from './companies';
export * from './partners';
export * from './reviewers';
