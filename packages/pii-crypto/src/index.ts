/**
 * Envelope encryption built on node:crypto (OpenSSL's AES-GCM, HKDF and HMAC); no extra library
 * needed. Each object gets a fresh 256-bit data key; the data key is wrapped with the master key
 * (AES-256-GCM), so rotating the master key means re-wrapping keys, not re-encrypting photos.
 *
 * Sealed layout (binary):
 *   magic "K1" | keyId length (1) | keyId | wrapIv(12) | wrapTag(16) | wrappedKey(32) | iv(12) | tag(16) | ciphertext
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { Transform } from 'node:stream';

const MAGIC = Buffer.from('K1');
const IV_LEN = 12;
const TAG_LEN = 16;
const KEY_LEN = 32;

export interface MasterKey {
  /** Identifies the master key version, stored beside each wrapped data key for rotation. */
  id: string;
  key: Buffer;
}

export function masterKeyFromHex(hex: string, id = 'mk1'): MasterKey {
  const key = Buffer.from(hex, 'hex');
  if (key.length !== KEY_LEN) throw new Error('master key must be 32 bytes (64 hex characters)');
  return { id, key };
}

function gcmEncrypt(key: Buffer, plaintext: Buffer, aad: Buffer) {
  const iv = randomBytes(IV_LEN);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, tag: cipher.getAuthTag(), ct };
}

function gcmDecrypt(key: Buffer, iv: Buffer, tag: Buffer, ct: Buffer, aad: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ct), decipher.final()]);
}

/** A data key wrapped by the master key, as stored beside the object it protects. */
export interface WrappedKey {
  keyId: string;
  iv: Buffer;
  tag: Buffer;
  wrapped: Buffer;
}

export class PiiCipher {
  private readonly blindKey: Buffer;

  constructor(private readonly master: MasterKey) {
    // A separate key for blind indexes, so an index value reveals nothing about the encryption key.
    this.blindKey = Buffer.from(hkdfSync('sha256', master.key, Buffer.alloc(0), 'kyc-blind-index-v1', KEY_LEN));
  }

  newDataKey(aad: string): { dataKey: Buffer; wrappedKey: WrappedKey } {
    const dataKey = randomBytes(KEY_LEN);
    const { iv, tag, ct } = gcmEncrypt(this.master.key, dataKey, Buffer.from(`dk:${aad}`));
    return { dataKey, wrappedKey: { keyId: this.master.id, iv, tag, wrapped: ct } };
  }

  unwrapDataKey(w: WrappedKey, aad: string): Buffer {
    if (w.keyId !== this.master.id) throw new Error(`unknown master key id ${w.keyId}`);
    return gcmDecrypt(this.master.key, w.iv, w.tag, w.wrapped, Buffer.from(`dk:${aad}`));
  }

  /**
   * Encrypts a small value. `aad` binds the ciphertext to its context (e.g. "case:<id>:name"),
   * so a sealed value copied into another record fails to open.
   */
  seal(plaintext: Buffer | string, aad: string): Buffer {
    const { dataKey, wrappedKey } = this.newDataKey(aad);
    const { iv, tag, ct } = gcmEncrypt(dataKey, Buffer.from(plaintext), Buffer.from(aad));
    const keyId = Buffer.from(wrappedKey.keyId);
    return Buffer.concat([
      MAGIC,
      Buffer.from([keyId.length]),
      keyId,
      wrappedKey.iv,
      wrappedKey.tag,
      wrappedKey.wrapped,
      iv,
      tag,
      ct,
    ]);
  }

  open(sealed: Buffer | Uint8Array, aad: string): Buffer {
    const buf = Buffer.from(sealed);
    if (buf.length < 3 || !buf.subarray(0, 2).equals(MAGIC)) throw new Error('not a sealed value');
    let o = 2;
    const idLen = buf[o++];
    const keyId = buf.subarray(o, (o += idLen)).toString();
    const wIv = buf.subarray(o, (o += IV_LEN));
    const wTag = buf.subarray(o, (o += TAG_LEN));
    const wrapped = buf.subarray(o, (o += KEY_LEN));
    const iv = buf.subarray(o, (o += IV_LEN));
    const tag = buf.subarray(o, (o += TAG_LEN));
    const ct = buf.subarray(o);
    const dataKey = this.unwrapDataKey({ keyId, iv: wIv, tag: wTag, wrapped }, aad);
    return gcmDecrypt(dataKey, iv, tag, ct, Buffer.from(aad));
  }

  sealString(value: string, aad: string): Buffer {
    return this.seal(Buffer.from(value, 'utf8'), aad);
  }

  openString(sealed: Buffer | Uint8Array, aad: string): string {
    return this.open(sealed, aad).toString('utf8');
  }

  /** Deterministic keyed hash for equality lookups on encrypted fields (e.g. "same ID number"). */
  blindIndex(value: string, context: string): string {
    return createHmac('sha256', this.blindKey).update(`${context}\u0000${value}`).digest('hex');
  }

  /**
   * Streaming encryption for large objects (photos): bytes flow through without being held whole.
   * Returns the wrapped key and IV to store with the object; `tag()` is valid once the stream ends.
   */
  createEncryptStream(aad: string): { stream: Transform; wrappedKey: WrappedKey; iv: Buffer; tag: () => Buffer } {
    const { dataKey, wrappedKey } = this.newDataKey(aad);
    const iv = randomBytes(IV_LEN);
    const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
    cipher.setAAD(Buffer.from(aad));
    return { stream: cipher, wrappedKey, iv, tag: () => cipher.getAuthTag() };
  }

  /** Streaming decryption; the stream errors at its end if the ciphertext or tag was tampered with. */
  createDecryptStream(aad: string, wrappedKey: WrappedKey, iv: Buffer, tag: Buffer): Transform {
    const dataKey = this.unwrapDataKey(wrappedKey, aad);
    const decipher = createDecipheriv('aes-256-gcm', dataKey, iv);
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(tag);
    return decipher;
  }
}
