import { crc32, deflateSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { ImageInspector, ImageLimits, PHOTO_ERROR, pngRawSize } from './image-inspector';

const LIMITS: ImageLimits = { maxBytes: 10 * 1024 * 1024, minSide: 16, maxSide: 10_000 };

function pixels(width: number, height: number): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) data.writeUInt32BE((Math.imul(i, 2654435761) | 0xff) >>> 0, i * 4);
  return data;
}
const jpegOf = (width: number, height: number) => jpeg.encode({ data: pixels(width, height), width, height }, 85).data;
function pngOf(width: number, height: number): Buffer {
  const png = new PNG({ width, height });
  pixels(width, height).copy(png.data);
  return PNG.sync.write(png);
}
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
/** A hand-built greyscale PNG whose IDAT holds exactly `raw` (filtered scanlines). */
function handPng(width: number, height: number, raw: Buffer): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

async function inspect(bytes: Buffer, opts: { chunkSize?: number; limits?: Partial<ImageLimits> } = {}) {
  const inspector = new ImageInspector({ ...LIMITS, ...opts.limits });
  const size = opts.chunkSize ?? 64 * 1024;
  for (let i = 0; i < bytes.length; i += size) inspector.write(bytes.subarray(i, i + size));
  return inspector.end();
}
async function rejection(bytes: Buffer, opts: Parameters<typeof inspect>[1] = {}): Promise<string> {
  try {
    await inspect(bytes, opts);
  } catch (err) {
    return (err as { code: string }).code;
  }
  throw new Error('expected the image to be rejected');
}

describe('ImageInspector', () => {
  it('when a real JPEG streams past, then it is accepted with its sniffed type and dimensions', async () => {
    const bytes = jpegOf(64, 48);
    expect(await inspect(bytes)).toEqual({ contentType: 'image/jpeg', width: 64, height: 48, sizeBytes: bytes.length });
  });

  it('when a real PNG streams past, then it is accepted with its sniffed type and dimensions', async () => {
    const bytes = pngOf(40, 30);
    expect(await inspect(bytes)).toEqual({ contentType: 'image/png', width: 40, height: 30, sizeBytes: bytes.length });
  });

  it.each([1, 3, 7, 1000])('when the bytes arrive in %i-byte chunks, then the verdict is the same', async (chunkSize) => {
    expect((await inspect(jpegOf(32, 32), { chunkSize })).contentType).toBe('image/jpeg');
    expect((await inspect(pngOf(17, 19), { chunkSize })).width).toBe(17);
  });

  it('when the content is text (whatever its name), then it is not an image', async () => {
    expect(await rejection(Buffer.from('this is not a photo, just a text file named photo.jpg\n'))).toBe(PHOTO_ERROR.notAnImage);
  });

  it('when the content is another image format (GIF), then it is not accepted', async () => {
    expect(await rejection(Buffer.from('GIF89a\x10\x00\x10\x00\x00\x00\x00;', 'latin1'))).toBe(PHOTO_ERROR.notAnImage);
  });

  it('when no bytes arrive, then the upload is empty', async () => {
    expect(await rejection(Buffer.alloc(0))).toBe(PHOTO_ERROR.empty);
  });

  it('when the bytes are only the first few of a JPEG, then it is truncated', async () => {
    expect(await rejection(Buffer.from([0xff, 0xd8]))).toBe(PHOTO_ERROR.notAnImage);
    expect(await rejection(jpegOf(32, 32).subarray(0, 20))).toBe(PHOTO_ERROR.truncated);
  });

  it('when a JPEG is cut in half, then it is truncated', async () => {
    const bytes = jpegOf(64, 64);
    expect(await rejection(bytes.subarray(0, bytes.length >> 1))).toBe(PHOTO_ERROR.truncated);
  });

  it('when a JPEG lacks only its EOI marker, then it is truncated', async () => {
    const bytes = jpegOf(64, 64);
    expect(await rejection(bytes.subarray(0, bytes.length - 2))).toBe(PHOTO_ERROR.truncated);
  });

  it('when bytes follow a complete JPEG (as phones append), then it is still accepted', async () => {
    const bytes = Buffer.concat([jpegOf(32, 32), Buffer.from('trailing motion-photo data')]);
    expect((await inspect(bytes)).sizeBytes).toBe(bytes.length);
  });

  it('when a JPEG scan comes before any frame header, then it is malformed', async () => {
    const bytes = jpegOf(32, 32);
    const sos = bytes.indexOf(Buffer.from([0xff, 0xda]));
    expect(await rejection(Buffer.concat([bytes.subarray(0, 2), bytes.subarray(sos)]))).toBe(PHOTO_ERROR.corrupt);
  });

  it('when a JPEG segment length points into the middle of nowhere, then it is malformed', async () => {
    const bytes = Buffer.from(jpegOf(32, 32));
    bytes.writeUInt16BE(5, 4); // APP0 length now ends inside its own payload: the next byte is no marker
    expect(await rejection(bytes)).toBe(PHOTO_ERROR.corrupt);
  });

  it('when a PNG lacks IEND, then it is truncated', async () => {
    const bytes = pngOf(32, 32);
    expect(await rejection(bytes.subarray(0, bytes.length - 12))).toBe(PHOTO_ERROR.truncated);
    expect(await rejection(bytes.subarray(0, 40))).toBe(PHOTO_ERROR.truncated);
  });

  it('when a byte of PNG image data is flipped, then its CRC fails and it is malformed', async () => {
    const bytes = Buffer.from(pngOf(32, 32));
    const idat = bytes.indexOf('IDAT');
    bytes[idat + 10] ^= 0xff;
    expect(await rejection(bytes)).toBe(PHOTO_ERROR.corrupt);
  });

  it('when PNG image data has valid CRCs but inflates to too few pixels, then the decoder step refuses it', async () => {
    const raw = Buffer.alloc(pngRawSize(20, 20, 8, 0, 0) - 21); // one scanline short
    expect(await rejection(handPng(20, 20, raw))).toBe(PHOTO_ERROR.corrupt);
  });

  it('when PNG image data inflates far beyond its declared size (a bomb), then it is refused', async () => {
    const raw = Buffer.alloc(20 * 1024 * 1024); // 20 MB of zeros deflate to ~20 KB
    expect(await rejection(handPng(20, 20, raw))).toBe(PHOTO_ERROR.corrupt);
  });

  it('when a hand-built PNG inflates to exactly its declared size, then it is accepted', async () => {
    const raw = Buffer.alloc(pngRawSize(20, 20, 8, 0, 0));
    expect(await inspect(handPng(20, 20, raw))).toMatchObject({ contentType: 'image/png', width: 20, height: 20 });
  });

  it('when a PNG is interlaced (Adam7), then its expected inflated size sums the seven passes', () => {
    // 8x8 greyscale 8-bit: passes are 1x1, 1x1, 2x1, 2x2, 4x2, 4x4, 8x4 -> rows of (1 + w) bytes each
    expect(pngRawSize(8, 8, 8, 0, 1)).toBe(1 * 2 + 1 * 2 + 1 * 3 + 2 * 3 + 2 * 5 + 4 * 5 + 4 * 9);
    expect(pngRawSize(8, 8, 8, 0, 0)).toBe(8 * 9);
    expect(pngRawSize(3, 2, 1, 0, 0)).toBe(2 * 2);
  });

  it.each([
    ['wider than 10000 px', 10_001, 100],
    ['taller than 10000 px', 100, 10_001],
    ['narrower than 16 px', 15, 100],
    ['shorter than 16 px', 100, 8],
  ])('when a JPEG is %s, then its dimensions are refused', async (_what, width, height) => {
    // Patch the frame header of a valid JPEG: dimensions are judged from the header alone.
    const bytes = Buffer.from(jpegOf(32, 32));
    const sof = bytes.indexOf(Buffer.from([0xff, 0xc0]));
    bytes.writeUInt16BE(height, sof + 5);
    bytes.writeUInt16BE(width, sof + 7);
    expect(await rejection(bytes)).toBe(PHOTO_ERROR.badDimensions);
  });

  it('when a PNG declares absurd dimensions, then it is refused before its pixels are read', () => {
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(50_000, 0);
    ihdr.writeUInt32BE(50_000, 4);
    ihdr[8] = 8;
    ihdr[9] = 6;
    const head = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr)]);
    const inspector = new ImageInspector(LIMITS);
    expect(() => inspector.write(head)).toThrow(expect.objectContaining({ code: PHOTO_ERROR.badDimensions }));
  });

  it('when more bytes than the limit arrive, then it refuses as soon as the limit is passed', () => {
    const inspector = new ImageInspector({ ...LIMITS, maxBytes: 100_000 });
    const bytes = jpegOf(300, 300);
    expect(bytes.length).toBeGreaterThan(100_000);
    let accepted = 0;
    expect(() => {
      for (let i = 0; i < bytes.length; i += 10_000) {
        inspector.write(bytes.subarray(i, i + 10_000));
        accepted += 10_000;
      }
    }).toThrow(expect.objectContaining({ code: PHOTO_ERROR.tooLarge }));
    expect(accepted).toBeLessThanOrEqual(100_000);
  });

  it('when a rejection happened, then later writes keep failing with the same code', () => {
    const inspector = new ImageInspector(LIMITS);
    expect(() => inspector.write(Buffer.from('not an image at all'))).toThrow();
    expect(() => inspector.write(jpegOf(16, 16))).toThrow(expect.objectContaining({ code: PHOTO_ERROR.notAnImage }));
  });
});
