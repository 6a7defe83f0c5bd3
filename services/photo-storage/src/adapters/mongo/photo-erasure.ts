import mongoose from 'mongoose';
import { RedactionRequest, SubjectErasure } from '@kyc/kafka-bus';
import { DocumentLocks } from '@kyc/mongo-kit';

/** What erasure needs of a stored blob: where it is and how many chunks it has. */
interface BlobRef {
  fileId: mongoose.Types.ObjectId;
  chunks?: number;
}

/**
 * photo-storage's share of a redaction: every photo and unbound object of the subject (their
 * encrypted bytes first, then the subject's document with the wrapped data keys), under the same
 * per-subject lock as every other write of that document. The bytes are gone when the service
 * reports done; a blob discarded earlier whose deletion failed is unreadable once the record with
 * its wrapped key is gone, and the orphan sweeper removes it. A repeat finds nothing.
 */
export class PhotoSubjectErasure implements SubjectErasure {
  readonly service = 'photo-storage';

  constructor(
    private readonly subjects: { collection: mongoose.mongo.Collection<mongoose.mongo.Document>; locks: DocumentLocks },
    private readonly blobs: { delete(fileId: mongoose.Types.ObjectId, knownChunks?: number): Promise<void> },
  ) {}

  erase({ subjectId, partnerId }: RedactionRequest): Promise<number> {
    // Subject ids are unique platform-wide; a document of another partner is never this subject's.
    return this.eraseIf(subjectId, (doc) => !doc.partnerId || doc.partnerId === partnerId);
  }

  /**
   * Erases the subject's photos and objects when `still` holds of its document, read under the
   * subject's lock (a sweeper's condition cannot go stale between its query and the erasure);
   * returns the records erased (0: none, or the condition no longer held).
   */
  eraseIf(subjectId: string, still: (doc: mongoose.mongo.Document) => boolean): Promise<number> {
    return this.subjects.locks.run(subjectId, async () => {
      const doc = await this.subjects.collection.findOne({ _id: subjectId as never });
      if (!doc || !still(doc)) return 0;
      const refs: BlobRef[] = [...Object.values((doc.photos ?? {}) as Record<string, BlobRef | null>), ...((doc.objects ?? []) as BlobRef[])].filter(
        (r): r is BlobRef => Boolean(r?.fileId),
      );
      for (const ref of refs) await this.blobs.delete(ref.fileId, ref.chunks);
      await this.subjects.collection.deleteOne({ _id: subjectId as never });
      return refs.length + 1;
    });
  }
}
