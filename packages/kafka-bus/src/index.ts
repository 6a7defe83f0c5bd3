export * from './bus';
export * from './envelope';
export * from './topics';
export * from './redaction';
