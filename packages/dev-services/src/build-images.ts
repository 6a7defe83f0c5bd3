import { prepareEngine } from './engine';
import { ensureDevImages, ensurePlatformImage, type ImageChoice, type ImageSelection } from './images';
import { defaultLog, type Log } from './util';

export type { ImageChoice, ImageSelection };

/**
 * Prepares the container engine and makes sure the images startDevServices()
 * would run are available, building the local ones (deploy/images) if needed.
 * Returns which images were selected.
 */
export async function ensureImages(opts: { log?: Log } = {}): Promise<ImageSelection> {
  const log = opts.log ?? defaultLog;
  const engine = await prepareEngine(log);
  return ensureDevImages(engine, log);
}

/**
 * Prepares the container engine and builds the platform image (deploy/images/platform) unless
 * one of the same content exists. Returns its tag and the CLI that runs it.
 */
export async function preparePlatformImage(opts: { log?: Log } = {}): Promise<{ image: string; cli: 'podman' | 'docker' }> {
  const log = opts.log ?? defaultLog;
  const engine = await prepareEngine(log);
  return { image: await ensurePlatformImage(engine, log), cli: engine.kind };
}
