export * from './errors';
export * from './logger';
export * from './config';
export * from './metrics';
export * from './shutdown';
export * from './config-fragments';
