import mongoose from 'mongoose';
import { RedactionRequest, SubjectErasure } from '@kyc/kafka-bus';
import { DocumentLocks } from '@kyc/mongo-kit';

type Collection = mongoose.mongo.Collection<mongoose.mongo.Document>;

/**
 * The notifier's share of a redaction: the subject's callbacks (their sealed payload details: the
 * partner's reference, the ID number seed 000's notification carries) whatever their state, so a
 * callback still queued is never delivered afterwards; their delivery log; and the subject's
 * review notifications. A callback is deleted under the lock its dispatcher's writes take, so an
 * attempt settling at that moment cannot write it back. A repeat finds nothing.
 */
export class CallbackSubjectErasure implements SubjectErasure {
  readonly service = 'notifier';

  constructor(private readonly stores: { callbacks: Collection; deliveryAttempts: Collection; notifications: Collection; locks: DocumentLocks }) {}

  async erase({ subjectId, partnerId }: RedactionRequest): Promise<number> {
    const { callbacks, deliveryAttempts, notifications, locks } = this.stores;
    let erased = 0;
    const owed = await callbacks.find({ partnerId, subjectId }, { projection: { _id: 1 } }).toArray();
    for (const { _id } of owed) {
      const id = String(_id);
      erased += (await locks.run(id, () => callbacks.deleteOne({ _id: id as never, partnerId }))).deletedCount;
      await deliveryAttempts.deleteMany({ callbackId: id, partnerId });
    }
    erased += (await notifications.deleteMany({ partnerId, subjectId })).deletedCount;
    return erased;
  }
}
