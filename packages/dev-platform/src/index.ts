export * from './free-port';
export * from './partner-client';
export * from './platform';
export * from './service-process';
