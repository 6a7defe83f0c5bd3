import mongoose from 'mongoose';
import { bytesOf, isDuplicateKeyError } from '@kyc/mongo-kit';
import { PiiCipher } from '@kyc/pii-crypto';
import { MemberSubmissionsPort, MemberSubmissionView } from '../../application/ports';

/**
 * Seed 000 member submissions: the partner's references (tx_seq_no, member id) and the member it
 * submitted, with the verification realname-pattern runs for it. Keyed by a blind index of
 * (partner, tx_seq_no), so a repeat finds the first one by a unique key; personal data (the
 * member, tx_seq_no which partners may derive from ID numbers) is stored sealed only.
 */
const memberSubmissionSchema = new mongoose.Schema(
  {
    _id: { type: String },
    partnerId: { type: String, required: true },
    subjectId: { type: String, required: true },
    txSeqNoSealed: { type: Buffer, required: true },
    fingerprint: { type: String, required: true },
    memberSealed: { type: Buffer, required: true },
    notifyUrl: { type: String, default: '' },
    verificationId: { type: String, default: '' },
  },
  { collection: 'member_submissions', timestamps: true, versionKey: false },
);
// Ends with _id: latestOf's sort (createdAt, then _id) comes from the index, not from memory.
memberSubmissionSchema.index({ partnerId: 1, subjectId: 1, createdAt: -1, _id: -1 });

type MemberSubmissionDoc = mongoose.InferSchemaType<typeof memberSubmissionSchema> & { _id: string; createdAt: Date };

export class MemberSubmissionRepository implements MemberSubmissionsPort {
  readonly model: mongoose.Model<MemberSubmissionDoc>;

  constructor(
    conn: mongoose.Connection,
    private readonly cipher: PiiCipher,
  ) {
    this.model = conn.model<MemberSubmissionDoc>('MemberSubmission', memberSubmissionSchema);
  }

  private keyOf(partnerId: string, txSeqNo: string): string {
    return this.cipher.blindIndex(`${partnerId}\u0000${txSeqNo}`, 'member-tx-seq-no');
  }

  fingerprintOf(content: unknown): string {
    return this.cipher.blindIndex(JSON.stringify(content), 'member-submission');
  }

  private view(doc: MemberSubmissionDoc): MemberSubmissionView {
    return {
      partnerId: doc.partnerId,
      subjectId: doc.subjectId,
      txSeqNo: this.cipher.openString(bytesOf(doc.txSeqNoSealed), `member-submission:${doc._id}:tx-seq-no`),
      fingerprint: doc.fingerprint,
      member: JSON.parse(this.cipher.openString(bytesOf(doc.memberSealed), `member-submission:${doc._id}:member`)) as MemberSubmissionView['member'],
      notifyUrl: doc.notifyUrl ?? '',
      verificationId: doc.verificationId ?? '',
      createdAt: doc.createdAt,
    };
  }

  async record(input: Omit<MemberSubmissionView, 'verificationId' | 'createdAt'>): Promise<{ submission: MemberSubmissionView; created: boolean }> {
    const _id = this.keyOf(input.partnerId, input.txSeqNo);
    try {
      const doc = await this.model.create({
        _id,
        partnerId: input.partnerId,
        subjectId: input.subjectId,
        txSeqNoSealed: this.cipher.sealString(input.txSeqNo, `member-submission:${_id}:tx-seq-no`),
        fingerprint: input.fingerprint,
        memberSealed: this.cipher.sealString(JSON.stringify(input.member), `member-submission:${_id}:member`),
        notifyUrl: input.notifyUrl,
      });
      return { submission: this.view(doc.toObject() as MemberSubmissionDoc), created: true };
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
    const earlier = await this.model.findById(_id).lean<MemberSubmissionDoc>();
    if (!earlier) throw new Error('member submission vanished after a duplicate key');
    return { submission: this.view(earlier), created: false };
  }

  async attachVerification(partnerId: string, txSeqNo: string, verificationId: string): Promise<void> {
    await this.model.updateOne({ _id: this.keyOf(partnerId, txSeqNo) }, { $set: { verificationId } });
  }

  async latestOf(partnerId: string, subjectId: string): Promise<MemberSubmissionView | undefined> {
    const doc = await this.model.findOne({ partnerId, subjectId }).sort({ createdAt: -1, _id: -1 }).lean<MemberSubmissionDoc>();
    return doc ? this.view(doc) : undefined;
  }
}
