/**
 * Real test images made on the spot by pure-JS encoders (jpeg-js, pngjs), their hostile variants,
 * and multipart bodies as partners send them (seed 002 submit_photo: field "v_photo").
 */
import { randomBytes } from 'node:crypto';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

/** RGBA pixels: smooth gradients plus optional noise (noise makes JPEGs big, which the benchmark wants). */
function pixels(width: number, height: number, noise: number, seed: number): Buffer {
  const data = Buffer.alloc(width * height * 4);
  const rnd = noise > 0 ? randomBytes(width * height) : undefined;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const n = rnd ? (rnd[y * width + x] * noise) >> 8 : 0;
      data[i] = ((x * 255) / width + seed + n) & 0xff;
      data[i + 1] = ((y * 255) / height + n) & 0xff;
      data[i + 2] = (seed * 37 + n) & 0xff;
      data[i + 3] = 0xff;
    }
  }
  return data;
}

export function jpegImage(width = 320, height = 240, opts: { quality?: number; noise?: number; seed?: number } = {}): Buffer {
  return jpeg.encode({ data: pixels(width, height, opts.noise ?? 0, opts.seed ?? 1), width, height }, opts.quality ?? 85).data;
}

export function pngImage(width = 200, height = 150, seed = 2): Buffer {
  const png = new PNG({ width, height });
  pixels(width, height, 0, seed).copy(png.data);
  return PNG.sync.write(png);
}

/**
 * A JPEG of about `bytes` bytes (within +10 %): noise at top quality compresses badly, so the
 * size is reached with a modest pixel count.
 */
export function bigJpeg(bytes: number, seed = 3): Buffer {
  let side = Math.ceil(Math.sqrt(bytes / 4));
  for (let attempt = 0; ; attempt++) {
    const img = jpegImage(side, side, { quality: 100, noise: 255, seed });
    if ((img.length >= bytes && img.length <= bytes * 1.1) || attempt === 6) return img;
    side = Math.ceil(side * Math.sqrt((bytes * 1.04) / img.length));
  }
}

/** The first half of a JPEG: no entropy-coded end, no EOI marker. */
export const truncatedJpeg = (img = jpegImage()) => img.subarray(0, img.length >> 1);
/** A PNG cut before its IEND chunk. */
export const truncatedPng = (img = pngImage()) => img.subarray(0, img.length - 12);
/** Plain text, to be sent under a name and type that claim it is a JPEG. */
export const textFile = () => Buffer.from('Dear reviewer,\nthis is not a photo, only a text file called photo.jpg.\n'.repeat(20));

/** A real JPEG whose frame header is patched to claim the given dimensions. */
export function jpegClaiming(width: number, height: number): Buffer {
  const img = Buffer.from(jpegImage(64, 64));
  const sof = img.indexOf(Buffer.from([0xff, 0xc0]));
  img.writeUInt16BE(height, sof + 5);
  img.writeUInt16BE(width, sof + 7);
  return img;
}

export interface Part {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer | string;
}

export const BOUNDARY = '----------------------------7db372eb000e2';

function partHead(p: Omit<Part, 'data'>, boundary: string): Buffer {
  const disposition = `form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}`;
  const type = p.contentType ? `\r\nContent-Type: ${p.contentType}` : '';
  return Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}${type}\r\n\r\n`);
}

/** A multipart/form-data body, boundary as in the seed's example. */
export function multipart(parts: Part[], boundary = BOUNDARY): { body: Buffer; contentType: string } {
  const chunks: Buffer[] = [];
  for (const p of parts) chunks.push(partHead(p, boundary), Buffer.from(p.data), Buffer.from('\r\n'));
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** The usual upload: one JPEG in v_photo, as in the seed's example. */
export const photoForm = (data: Buffer, filename = 'photo.jpg', contentType = 'image/jpeg') =>
  multipart([{ name: 'v_photo', filename, contentType, data }]);

/**
 * A multipart body of `totalBytes` image bytes generated as it is read (never in memory): a real
 * JPEG header followed by endless entropy-coded-looking bytes, so only the size can stop it.
 * `pulled()` tells how many bytes the HTTP client actually took from it.
 */
export function generatedPhotoBody(totalBytes: number, boundary = BOUNDARY) {
  const img = jpegImage(64, 64);
  const sos = img.indexOf(Buffer.from([0xff, 0xda]));
  const sosLen = img.readUInt16BE(sos + 2);
  const header = img.subarray(0, sos + 2 + sosLen);
  const filler = Buffer.alloc(64 * 1024, 0x5a); // no 0xFF: stays inside the scan
  let sent = 0;
  let pulled = 0;
  const head = partHead({ name: 'v_photo', filename: 'huge.jpg', contentType: 'image/jpeg' }, boundary);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(Buffer.concat([head, header]));
      pulled += head.length + header.length;
      sent = header.length;
    },
    pull(controller) {
      if (sent >= totalBytes) {
        controller.enqueue(tail);
        controller.close();
        return;
      }
      const n = Math.min(filler.length, totalBytes - sent);
      controller.enqueue(new Uint8Array(filler.subarray(0, n)));
      sent += n;
      pulled += n;
    },
  });
  return { stream, contentType: `multipart/form-data; boundary=${boundary}`, pulled: () => pulled };
}
