export { startDevServices, startFreshKafka, type DevServices, type StartDevServicesOptions } from './services';
export { ensureContainerEngine } from './engine';
export { ensureImages, type ImageChoice, type ImageSelection } from './build-images';
export { freePort } from './util';
