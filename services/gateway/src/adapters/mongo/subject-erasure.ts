import mongoose from 'mongoose';
import { RedactionRequest, SubjectErasure } from '@kyc/kafka-bus';

type Collection = mongoose.mongo.Collection<mongoose.mongo.Document>;

/**
 * The gateway's share of a redaction: the subject's sessions, seed 000 submissions (sealed member
 * and tx_seq_no), seed 001 step-1 draft, seed 003 merge attempts, and last the subject itself (the
 * partner's user id, sealed, and its blind index). What remains is the redaction record, which
 * answers "redacted" without the user id. A repeat finds nothing and erases nothing.
 */
export class GatewaySubjectErasure implements SubjectErasure {
  readonly service = 'gateway';

  constructor(
    private readonly collections: {
      subjects: Collection;
      sessions: Collection;
      memberSubmissions: Collection;
      appAuthDrafts: Collection;
      mergeAttempts: Collection;
    },
  ) {}

  /** The subject's sessions stop working (at once, when the redaction is recorded). */
  async revokeSessions(subjectId: string): Promise<void> {
    await this.collections.sessions.deleteMany({ subjectId });
  }

  async erase({ subjectId, partnerId }: RedactionRequest): Promise<number> {
    const c = this.collections;
    const results = [
      await c.sessions.deleteMany({ subjectId }),
      await c.memberSubmissions.deleteMany({ partnerId, subjectId }),
      await c.appAuthDrafts.deleteMany({ _id: subjectId as never, partnerId }),
      await c.mergeAttempts.deleteMany({ partnerId, subjectId }),
      // Last: until everything else is gone, the subject still says whose it was.
      await c.subjects.deleteMany({ _id: subjectId as never, partnerId }),
    ];
    return results.reduce((n, r) => n + r.deletedCount, 0);
  }
}
