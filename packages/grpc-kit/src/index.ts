export * from './client';
export * from './server';
export * from './status';
export * from './health-probe';
export * from './authorization';
export * from './pki';
export * from './tls';
