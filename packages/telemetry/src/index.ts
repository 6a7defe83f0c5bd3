export * from './setup';
export * from './propagation';
export * from './spans';
export * from './log-correlation';
export * from './http-server';
