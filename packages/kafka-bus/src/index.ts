export * from './bus';
export * from './envelope';
export * from './topics';
