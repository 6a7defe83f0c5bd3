export { startDevServices, startFreshKafka, startMongoWire, type DevServices, type StartDevServicesOptions } from './services';
export { ferretDbBackend, DEFAULT_FERRETDB_BACKEND, type FerretDbBackend } from './postgres';
export { aptGetInstall, ensureContainerEngine, type AptGetInstall } from './engine';
export { ensureImages, preparePlatformImage, type ImageChoice, type ImageSelection } from './build-images';
export { freePort } from './util';
export { withLock } from './lock';
export { defaultLog, type Log } from './util';
