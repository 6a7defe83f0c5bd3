export * from './connection';
export * from './counter';
export * from './outbox';
export * from './processed-events';
export * from './bytes';
export * from './document-locks';
export * from './errors';
