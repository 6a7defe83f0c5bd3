export * from './provider-errors';
export * from './provider-client';
export * from './provider-config';
export * from './alibaba-rpc-signature';
export * from './alibaba-rpc-client';
export * from './breaker-states';
