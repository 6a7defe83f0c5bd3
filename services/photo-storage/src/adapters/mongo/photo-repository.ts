import mongoose from 'mongoose';

/** Metadata of one stored photo; the encrypted bytes live in GridFS chunks keyed by fileId. */
const photoSchema = new mongoose.Schema(
  {
    subjectId: { type: String, required: true, index: true },
    photoType: { type: Number, required: true },
    photoNumber: { type: Number, required: true },
    contentType: { type: String, required: true },
    sizeBytes: { type: Number, required: true },
  },
  { collection: 'photos', timestamps: true, versionKey: false },
);
photoSchema.index({ subjectId: 1, photoType: 1 }, { unique: true });

export type PhotoDoc = mongoose.InferSchemaType<typeof photoSchema>;

export class PhotoRepository {
  readonly model: mongoose.Model<PhotoDoc>;

  constructor(conn: mongoose.Connection) {
    this.model = conn.model<PhotoDoc>('Photo', photoSchema);
  }

  async list(subjectId: string): Promise<PhotoDoc[]> {
    return this.model.find({ subjectId }).sort({ photoType: 1 }).lean();
  }
}
