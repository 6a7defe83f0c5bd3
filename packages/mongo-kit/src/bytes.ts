/** The driver hands stored Buffers back as BSON Binary (lean queries) or Buffer (documents). */
export function bytesOf(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value);
  const inner = (value as { buffer?: Uint8Array } | null)?.buffer;
  if (inner instanceof Uint8Array) return Buffer.from(inner.buffer, inner.byteOffset, inner.byteLength);
  throw new TypeError('not a binary value');
}
