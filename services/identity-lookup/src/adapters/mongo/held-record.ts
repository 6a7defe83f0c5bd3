import { isDuplicateKeyError } from '@kyc/mongo-kit';

/**
 * Writes a subject's one record of a kind whose value (an ID number, a mobile) a unique index lets
 * only one subject of a partner hold. Losing the index to another subject names that holder and
 * writes nothing; losing it to a concurrent first write of the same subject retries once, as an update.
 */
export async function saveHeldRecord(
  subjectId: string,
  upsert: () => Promise<unknown>,
  holderOfValue: () => Promise<string | undefined>,
): Promise<{ saved: true } | { saved: false; holderSubjectId: string }> {
  for (let attempt = 1; ; attempt++) {
    try {
      await upsert();
      return { saved: true };
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      const holder = await holderOfValue();
      if (holder && holder !== subjectId) return { saved: false, holderSubjectId: holder };
      if (attempt >= 2) throw err;
    }
  }
}
