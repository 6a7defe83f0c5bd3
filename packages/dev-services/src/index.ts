export { startDevServices, startFreshKafka, type DevServices, type StartDevServicesOptions } from './services';
export { aptGetInstall, ensureContainerEngine, type AptGetInstall } from './engine';
export { ensureImages, preparePlatformImage, type ImageChoice, type ImageSelection } from './build-images';
export { freePort } from './util';
export { withLock } from './lock';
export { defaultLog, type Log } from './util';
