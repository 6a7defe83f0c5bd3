// Public surface of the generated contracts, grouped by proto package.
export * as events from './gen/kyc/events/v1/envelope';
export * as redaction from './gen/kyc/events/v1/redaction';
export * as submission from './gen/kyc/submission/v1/submission';
export * as review from './gen/kyc/review/v1/review';
export * as identity from './gen/kyc/identity/v1/identity';
export * as realname from './gen/kyc/realname/v1/realname';
export * as photo from './gen/kyc/photo/v1/photo';
export * as verification from './gen/kyc/verification/v1/verification';
export * as partner from './gen/kyc/partner/v1/partner';
export * as notifier from './gen/kyc/notifier/v1/notifier';
export * as roster from './gen/kyc/roster/v1/roster';
