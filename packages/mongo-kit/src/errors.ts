/**
 * True for MongoDB's duplicate-key error (E11000). Unique inserts are the one write that is
 * atomic on MongoDB and FerretDB v1 alike, so "lost the race" is detected by this error.
 */
export function isDuplicateKeyError(err: unknown): boolean {
  return (err as { code?: number } | null)?.code === 11000;
}
