import mongoose from 'mongoose';
import { RedactionRequest, SubjectErasure } from '@kyc/kafka-bus';
import { DocumentLocks } from '@kyc/mongo-kit';

type Collection = mongoose.mongo.Collection<mongoose.mongo.Document>;

/**
 * realname-pattern's share of a redaction: the subject's verifications (sealed claims, tickets,
 * partner references, method inputs), its review case (sealed name, ID number and its blind
 * index, extra fields, reviewer notes) and its one-time mobile codes (the number's blind index).
 * Each document goes under the lock its other writers take (FerretDB v1 updates are
 * read-modify-write, so an update racing a delete must not write the document back). The review
 * audit trail stays: it holds ids, statuses and reason codes only, by design. A repeat finds
 * nothing and erases nothing.
 */
export class VerificationSubjectErasure implements SubjectErasure {
  readonly service = 'realname-pattern';

  constructor(
    private readonly stores: { verifications: Collection; reviewCases: Collection; mobileCodes: Collection; locks: DocumentLocks },
  ) {}

  async erase({ subjectId, partnerId }: RedactionRequest): Promise<number> {
    const { verifications, reviewCases, mobileCodes, locks } = this.stores;
    let erased = 0;
    const deleteUnderLock = async (collection: Collection, ids: unknown[]) => {
      for (const _id of ids) erased += (await locks.run(String(_id), () => collection.deleteOne({ _id: _id as never, partnerId }))).deletedCount;
    };
    const idsOf = async (collection: Collection, filter: mongoose.mongo.Filter<mongoose.mongo.Document>) =>
      (await collection.find(filter, { projection: { _id: 1 } }).toArray()).map((d) => d._id);
    await deleteUnderLock(verifications, await idsOf(verifications, { subjectId, partnerId }));
    // One review case per subject, keyed by the subject id.
    await deleteUnderLock(reviewCases, await idsOf(reviewCases, { _id: subjectId as never, partnerId }));
    await deleteUnderLock(mobileCodes, await idsOf(mobileCodes, { subjectId, partnerId }));
    return erased;
  }
}
