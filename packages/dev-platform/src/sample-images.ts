import { PNG } from 'pngjs';

/**
 * A real PNG (gradient, `seed` varies it) for demos and examples: photo-storage accepts only
 * genuine, complete images of sensible size, so the examples need one.
 */
export function samplePng(width = 320, height = 240, seed = 1): Buffer {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      png.data[i] = ((x * 255) / width + seed * 40) & 0xff;
      png.data[i + 1] = ((y * 255) / height) & 0xff;
      png.data[i + 2] = (seed * 37) & 0xff;
      png.data[i + 3] = 0xff;
    }
  }
  return PNG.sync.write(png);
}
