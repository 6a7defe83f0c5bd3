/**
 * Serializes this process's writes to one document.
 *
 * Why: FerretDB v1 (the MongoDB-wire server of the dev and test stack) applies `updateOne` as
 * "read the matching document, apply the operators in Go, write the whole document back" with no
 * lock or transaction around the three steps. Two concurrent updates of one document can therefore
 * both match a condition, and the later write silently undoes the earlier one (a lost update: a
 * state change, or an outbox record, vanishes). MongoDB 7 (production) is atomic per document;
 * FerretDB is not, whatever the filter says.
 *
 * A service routes every writer of a collection (consumers, request handlers, the outbox relay)
 * through one instance of this class, keyed by document id, which makes a single process of
 * that service correct on FerretDB too. It does not help across replicas; on
 * FerretDB run one replica. Decisions do not rely on it: their winner is chosen by a unique insert
 * into the audit trail, which is atomic on both servers.
 */
export class DocumentLocks {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Keys currently held or waited for (for tests). */
  get size(): number {
    return this.tails.size;
  }
}
