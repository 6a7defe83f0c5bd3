import { createInflate, crc32, Inflate } from 'node:zlib';
import { imageSize } from 'image-size';
import { KycError } from '@kyc/core';

/**
 * Decides whether uploaded bytes are an acceptable photo while they stream past, holding only a
 * small bounded prefix (the header) in memory, never the whole image.
 *
 * What is checked, and by whom:
 * - Type and dimensions: `image-size` (a well-kept library) reads them from the header prefix.
 *   The declared Content-Type and file name are never consulted.
 * - Structure: our own streaming walk, because no maintained library validates a whole JPEG/PNG
 *   without decoding it into memory (a 10000 px square RGBA image is 400 MB of pixels):
 *   - JPEG: SOI first; every marker segment's length; a frame header (SOFn) before the first scan
 *     (SOS); entropy-coded data may contain only stuffed 0xFF00 and RSTn; the image must end with
 *     EOI. Bytes after EOI are tolerated (phones append MPF images and motion-photo videos there).
 *   - PNG: signature; IHDR first with legal fields; every chunk's CRC; unknown critical chunks
 *     refused; PLTE for palette images; consecutive IDAT; IEND last. The IDAT stream is inflated
 *     incrementally (output counted and discarded) and must inflate to exactly the size IHDR
 *     implies: a real decoder step that catches corrupt or truncated compressed data and bounds
 *     decompression bombs.
 */

export const PHOTO_ERROR = {
  empty: 'KYC.PHOTO.EMPTY',
  tooLarge: 'KYC.PHOTO.TOO_LARGE',
  notAnImage: 'KYC.PHOTO.NOT_AN_IMAGE',
  truncated: 'KYC.PHOTO.TRUNCATED',
  corrupt: 'KYC.PHOTO.CORRUPT',
  badDimensions: 'KYC.PHOTO.BAD_DIMENSIONS',
} as const;

export type ImageContentType = 'image/jpeg' | 'image/png';

export interface ImageLimits {
  maxBytes: number;
  /** Smallest accepted width and height, in pixels. */
  minSide: number;
  /** Largest accepted width and height, in pixels. */
  maxSide: number;
  /** How far into the file the header (JPEG SOFn, PNG IHDR) may be; bounds the prefix kept in memory. */
  maxHeaderBytes?: number;
}

export interface InspectedImage {
  contentType: ImageContentType;
  width: number;
  height: number;
  sizeBytes: number;
}

export const photoRejected = (code: string, message: string) => new KycError(code, message, { kind: 'invalid_argument' });

/** Whether a KYC error code says "the image is unacceptable" (as opposed to a malformed request). */
export const isPhotoRejection = (code: string) => (Object.values(PHOTO_ERROR) as string[]).includes(code);

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const DEFAULT_MAX_HEADER_BYTES = 1024 * 1024;

/** SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC). */
const isSof = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

interface Walker {
  /** Consumes bytes; throws a photo rejection on a structural error. */
  write(buf: Buffer): void;
  /** True once the header that carries the dimensions has been read completely. */
  readonly headerRead: boolean;
  /** True once the end marker (EOI / IEND) has been read. */
  readonly complete: boolean;
  /** Final checks that need the whole stream (PNG: inflated size). */
  finish(): Promise<void>;
  /** Stops background work of an abandoned inspection. */
  release(): void;
}

export class ImageInspector {
  private size = 0;
  private walker?: Walker;
  private type?: ImageContentType;
  private sniffBuf: Buffer[] = [];
  private head: Buffer[] = [];
  private headLen = 0;
  private dims?: { width: number; height: number };
  private failed?: KycError;

  constructor(private readonly limits: ImageLimits) {}

  get bytesSeen(): number {
    return this.size;
  }

  /** Feeds the next chunk; throws a KycError (KYC.PHOTO.*) as soon as the bytes cannot be accepted. */
  write(chunk: Buffer): void {
    if (this.failed) throw this.failed;
    try {
      this.writeUnsafe(chunk);
    } catch (err) {
      this.failed = err instanceof KycError ? err : photoRejected(PHOTO_ERROR.corrupt, 'image is malformed');
      this.release();
      throw this.failed;
    }
  }

  /** Called after the last chunk: the verdict on the whole image. */
  async end(): Promise<InspectedImage> {
    if (this.failed) throw this.failed;
    if (this.size === 0) throw photoRejected(PHOTO_ERROR.empty, 'no image bytes were sent');
    if (!this.walker || !this.type) throw photoRejected(PHOTO_ERROR.notAnImage, 'content is neither JPEG nor PNG');
    if (!this.dims) throw photoRejected(PHOTO_ERROR.truncated, 'image ends before its header');
    if (!this.walker.complete) throw photoRejected(PHOTO_ERROR.truncated, 'image ends before its end marker');
    await this.walker.finish();
    return { contentType: this.type, width: this.dims.width, height: this.dims.height, sizeBytes: this.size };
  }

  /** Releases resources of an inspection abandoned midway. */
  abort(): void {
    this.failed ??= photoRejected(PHOTO_ERROR.truncated, 'upload aborted');
    this.release();
  }

  private release(): void {
    this.head = [];
    this.sniffBuf = [];
    this.walker?.release();
  }

  private writeUnsafe(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.size += chunk.length;
    if (this.size > this.limits.maxBytes) {
      throw photoRejected(PHOTO_ERROR.tooLarge, `image exceeds ${this.limits.maxBytes} bytes`);
    }
    if (!this.walker) {
      // Sniff the magic bytes: 3 for JPEG, 8 for PNG.
      this.sniffBuf.push(chunk);
      const start = Buffer.concat(this.sniffBuf);
      if (start.length >= 3 && start[0] === 0xff && start[1] === 0xd8 && start[2] === 0xff) {
        this.type = 'image/jpeg';
        this.walker = new JpegWalker();
      } else if (start.length >= 8 && start.subarray(0, 8).equals(PNG_SIGNATURE)) {
        this.type = 'image/png';
        this.walker = new PngWalker();
      } else if (start.length >= 8 || !couldStillBe(start)) {
        throw photoRejected(PHOTO_ERROR.notAnImage, 'content is neither JPEG nor PNG');
      } else {
        return; // fewer than 8 bytes so far, still ambiguous
      }
      this.sniffBuf = [];
      chunk = start;
    }
    if (!this.dims) {
      this.head.push(chunk);
      this.headLen += chunk.length;
    }
    this.walker.write(chunk);
    if (!this.dims) {
      if (this.walker.headerRead) this.checkHeader();
      else if (this.headLen > (this.limits.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES)) {
        throw photoRejected(PHOTO_ERROR.corrupt, 'no image header near the start of the file');
      }
    }
  }

  private checkHeader(): void {
    const head = Buffer.concat(this.head);
    this.head = [];
    let size: { width?: number; height?: number; type?: string };
    try {
      size = imageSize(head);
    } catch {
      throw photoRejected(PHOTO_ERROR.corrupt, 'image header is unreadable');
    }
    const expected = this.type === 'image/jpeg' ? 'jpg' : 'png';
    if (size.type !== expected || !size.width || !size.height) {
      throw photoRejected(PHOTO_ERROR.corrupt, 'image header is unreadable');
    }
    const { minSide, maxSide } = this.limits;
    for (const side of [size.width, size.height]) {
      if (side < minSide || side > maxSide) {
        throw photoRejected(PHOTO_ERROR.badDimensions, `each side must be ${minSide}..${maxSide} px`);
      }
    }
    this.dims = { width: size.width, height: size.height };
  }
}

/** True while a short prefix may still turn out to be JPEG or PNG. */
function couldStillBe(start: Buffer): boolean {
  const jpeg = [0xff, 0xd8, 0xff];
  const fits = (sig: ArrayLike<number>) => [...start].every((b, i) => i >= sig.length || sig[i] === b);
  return fits(jpeg) || fits(PNG_SIGNATURE);
}

const corrupt = (why: string) => photoRejected(PHOTO_ERROR.corrupt, `image is malformed: ${why}`);

type JpegState = 'soi0' | 'soi1' | 'marker' | 'markerType' | 'len0' | 'len1' | 'payload' | 'entropy' | 'entropyFF' | 'trailer';

class JpegWalker implements Walker {
  private state: JpegState = 'soi0';
  private marker = 0;
  private remaining = 0;
  private len = 0;
  private collect?: Buffer[];
  private sawSof = false;
  private sawSos = false;
  headerRead = false;
  complete = false;

  write(buf: Buffer): void {
    let i = 0;
    while (i < buf.length) {
      switch (this.state) {
        case 'soi0':
          if (buf[i++] !== 0xff) throw corrupt('missing SOI');
          this.state = 'soi1';
          break;
        case 'soi1':
          if (buf[i++] !== 0xd8) throw corrupt('missing SOI');
          this.state = 'marker';
          break;
        case 'marker':
          if (buf[i++] !== 0xff) throw corrupt('expected a marker');
          this.state = 'markerType';
          break;
        case 'markerType':
          this.onMarker(buf[i++]);
          break;
        case 'len0':
          this.len = buf[i++] << 8;
          this.state = 'len1';
          break;
        case 'len1': {
          this.len |= buf[i++];
          if (this.len < 2) throw corrupt('bad segment length');
          this.remaining = this.len - 2;
          this.collect = isSof(this.marker) || this.marker === 0xda ? [] : undefined;
          this.state = 'payload';
          if (this.remaining === 0) this.endSegment();
          break;
        }
        case 'payload': {
          const n = Math.min(this.remaining, buf.length - i);
          this.collect?.push(buf.subarray(i, i + n));
          i += n;
          this.remaining -= n;
          if (this.remaining === 0) this.endSegment();
          break;
        }
        case 'entropy': {
          const ff = buf.indexOf(0xff, i);
          if (ff < 0) {
            i = buf.length;
          } else {
            i = ff + 1;
            this.state = 'entropyFF';
          }
          break;
        }
        case 'entropyFF': {
          const b = buf[i++];
          if (b === 0x00 || (b >= 0xd0 && b <= 0xd7)) this.state = 'entropy';
          else if (b !== 0xff) this.onMarker(b);
          break;
        }
        case 'trailer':
          i = buf.length;
          break;
      }
    }
  }

  private onMarker(m: number): void {
    if (m === 0xff) return; // fill byte
    if (m === 0xd9) {
      if (!this.sawSos) throw corrupt('EOI before any image data');
      this.complete = true;
      this.state = 'trailer';
      return;
    }
    if (m === 0xd8 || m === 0x00) throw corrupt('unexpected marker');
    if ((m >= 0xd0 && m <= 0xd7) || m === 0x01) {
      this.state = 'marker'; // standalone markers carry no length
      return;
    }
    this.marker = m;
    this.state = 'len0';
  }

  private endSegment(): void {
    const payload = this.collect ? Buffer.concat(this.collect) : undefined;
    this.collect = undefined;
    this.state = 'marker';
    if (isSof(this.marker)) {
      if (this.sawSof) throw corrupt('second frame header');
      // precision(1) height(2) width(2) components(1), then 3 bytes per component
      if (!payload || payload.length < 6 || payload.length !== 6 + 3 * payload[5] || payload[5] === 0) throw corrupt('bad frame header');
      this.sawSof = true;
      this.headerRead = true;
    } else if (this.marker === 0xda) {
      if (!this.sawSof) throw corrupt('scan before frame header');
      // components(1), 2 bytes per component, then 3 bytes of spectral selection/approximation
      if (!payload || payload.length < 1 || payload.length !== 1 + 2 * payload[0] + 3 || payload[0] === 0) throw corrupt('bad scan header');
      this.sawSos = true;
      this.state = 'entropy';
    }
  }

  async finish(): Promise<void> {
    // Everything JPEG needs was checked while streaming.
  }

  release(): void {
    this.collect = undefined;
  }
}

type PngState = 'header' | 'data' | 'crc' | 'trailer';

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const ALLOWED_DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
const ADAM7: [number, number, number, number][] = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

/** Size of the filtered scanlines that IHDR implies: what the IDAT stream must inflate to. */
export function pngRawSize(width: number, height: number, bitDepth: number, colorType: number, interlace: number): number {
  const bpp = CHANNELS[colorType] * bitDepth;
  const rows = (w: number, h: number) => (w === 0 || h === 0 ? 0 : h * (1 + Math.ceil((w * bpp) / 8)));
  if (interlace === 0) return rows(width, height);
  return ADAM7.reduce((sum, [x0, y0, dx, dy]) => {
    const w = width > x0 ? Math.ceil((width - x0) / dx) : 0;
    const h = height > y0 ? Math.ceil((height - y0) / dy) : 0;
    return sum + rows(w, h);
  }, 0);
}

class PngWalker implements Walker {
  private state: PngState = 'header';
  private skipSignature = 8;
  private small: number[] = [];
  private type = '';
  private remaining = 0;
  private crc = 0;
  private ihdr?: { width: number; height: number; bitDepth: number; colorType: number; interlace: number };
  private ihdrBytes: Buffer[] = [];
  private chunks = 0;
  private sawPlte = false;
  private idatState: 'before' | 'in' | 'after' = 'before';
  private inflater?: Inflate;
  private inflated = 0;
  private expectedRaw = 0;
  private inflateError?: Error;
  private inflateDone?: Promise<void>;
  headerRead = false;
  complete = false;

  write(buf: Buffer): void {
    let i = 0;
    if (this.skipSignature > 0) {
      const n = Math.min(this.skipSignature, buf.length);
      this.skipSignature -= n;
      i = n;
    }
    if (this.inflateError) throw corrupt('image data does not decompress');
    while (i < buf.length) {
      switch (this.state) {
        case 'header': {
          this.small.push(buf[i++]);
          if (this.small.length === 8) this.startChunk(Buffer.from(this.small));
          break;
        }
        case 'data': {
          const n = Math.min(this.remaining, buf.length - i);
          const part = buf.subarray(i, i + n);
          this.crc = crc32(part, this.crc);
          if (this.type === 'IHDR') this.ihdrBytes.push(part);
          else if (this.type === 'IDAT') this.inflater!.write(part);
          i += n;
          this.remaining -= n;
          if (this.remaining === 0) {
            this.state = 'crc';
            this.small = [];
          }
          break;
        }
        case 'crc': {
          this.small.push(buf[i++]);
          if (this.small.length === 4) {
            if (Buffer.from(this.small).readUInt32BE(0) !== this.crc >>> 0) throw corrupt(`CRC mismatch in ${this.type}`);
            this.endChunk();
          }
          break;
        }
        case 'trailer':
          i = buf.length;
          break;
      }
    }
  }

  private startChunk(header: Buffer): void {
    this.small = [];
    const length = header.readUInt32BE(0);
    const typeBytes = header.subarray(4, 8);
    if (length > 0x7fffffff) throw corrupt('chunk too long');
    if (![...typeBytes].every((b) => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a))) throw corrupt('bad chunk type');
    const type = typeBytes.toString('latin1');
    this.chunks++;
    if (this.chunks === 1 && (type !== 'IHDR' || length !== 13)) throw corrupt('IHDR must come first');
    if (this.chunks > 1 && type === 'IHDR') throw corrupt('second IHDR');
    const critical = (typeBytes[0] & 0x20) === 0;
    if (critical && !['IHDR', 'PLTE', 'IDAT', 'IEND'].includes(type)) throw corrupt('unknown critical chunk');
    if (type === 'PLTE') {
      if (this.idatState !== 'before') throw corrupt('PLTE after image data');
      this.sawPlte = true;
    }
    if (type === 'IDAT') {
      if (this.idatState === 'after') throw corrupt('IDAT chunks are not consecutive');
      if (this.idatState === 'before') {
        if (this.ihdr!.colorType === 3 && !this.sawPlte) throw corrupt('palette image without PLTE');
        this.startInflate();
      }
      this.idatState = 'in';
    } else if (this.idatState === 'in') {
      this.idatState = 'after';
    }
    if (type === 'IEND' && length !== 0) throw corrupt('IEND must be empty');
    this.type = type;
    this.remaining = length;
    this.crc = crc32(typeBytes);
    this.state = length === 0 ? 'crc' : 'data';
  }

  private endChunk(): void {
    this.small = [];
    this.state = 'header';
    if (this.type === 'IHDR') {
      const h = Buffer.concat(this.ihdrBytes);
      this.ihdrBytes = [];
      const ihdr = {
        width: h.readUInt32BE(0),
        height: h.readUInt32BE(4),
        bitDepth: h[8],
        colorType: h[9],
        interlace: h[12],
      };
      if (ihdr.width === 0 || ihdr.height === 0) throw corrupt('zero dimension');
      if (!ALLOWED_DEPTHS[ihdr.colorType]?.includes(ihdr.bitDepth)) throw corrupt('illegal colour type / bit depth');
      if (h[10] !== 0 || h[11] !== 0 || ihdr.interlace > 1) throw corrupt('unknown compression, filter or interlace method');
      this.ihdr = ihdr;
      this.headerRead = true;
    } else if (this.type === 'IEND') {
      if (this.idatState === 'before') throw corrupt('no image data');
      this.complete = true;
      this.state = 'trailer';
      this.inflater?.end();
    }
  }

  private startInflate(): void {
    const { width, height, bitDepth, colorType, interlace } = this.ihdr!;
    this.expectedRaw = pngRawSize(width, height, bitDepth, colorType, interlace);
    const inflater = createInflate();
    this.inflater = inflater;
    this.inflateDone = new Promise<void>((resolve) => {
      inflater.on('data', (d: Buffer) => {
        this.inflated += d.length;
        if (this.inflated > this.expectedRaw && !this.inflateError) {
          // More pixels than IHDR declares: corrupt, and possibly a decompression bomb. Stop now.
          this.inflateError = new Error('image data inflates beyond its declared size');
          inflater.destroy();
          resolve();
        }
      });
      inflater.on('error', (err) => {
        this.inflateError ??= err;
        resolve();
      });
      inflater.once('end', () => resolve());
      inflater.once('close', () => resolve());
    });
  }

  release(): void {
    this.inflater?.destroy();
  }

  async finish(): Promise<void> {
    if (!this.inflater) return;
    await this.inflateDone;
    if (this.inflateError) throw corrupt('image data does not decompress');
    if (this.inflated !== this.expectedRaw) throw corrupt('image data is shorter than its declared size');
  }
}
