export * from './operator-cli';
export * from './partner-client';
export * from './platform';
export * from './reviewer-client';
export * from './service-process';
export * from './sample-images';
export * from './dev-pki';
export * from './demo-sign';
