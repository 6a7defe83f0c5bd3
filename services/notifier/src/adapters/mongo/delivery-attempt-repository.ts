import mongoose from 'mongoose';
import { DeliveryAttemptEntry, DeliveryLog } from '../../application/ports';

/**
 * `delivery_attempts`: one document per HTTP attempt (callback id, attempt number, start, HTTP
 * status, latency, outcome with a masked excerpt of the answer). Never the request body.
 */
const attemptSchema = new mongoose.Schema(
  {
    callbackId: { type: String, required: true },
    partnerId: { type: String, required: true },
    attempt: { type: Number, required: true },
    startedAt: { type: Date, required: true },
    httpStatus: { type: Number, required: true },
    latencyMs: { type: Number, required: true },
    outcome: { type: String, default: '' },
  },
  { collection: 'delivery_attempts', versionKey: false },
);
attemptSchema.index({ callbackId: 1, startedAt: 1 });

type AttemptDoc = mongoose.InferSchemaType<typeof attemptSchema>;

export class DeliveryAttemptRepository implements DeliveryLog {
  readonly model: mongoose.Model<AttemptDoc>;

  constructor(conn: mongoose.Connection) {
    this.model = conn.model<AttemptDoc>('DeliveryAttempt', attemptSchema);
  }

  async record(entry: DeliveryAttemptEntry): Promise<void> {
    await this.model.collection.insertOne({ ...entry });
  }

  async ofCallback(callbackId: string): Promise<DeliveryAttemptEntry[]> {
    const docs = await this.model.collection.find({ callbackId }, { projection: { _id: 0 } }).sort({ startedAt: 1 }).limit(1000).toArray();
    return docs as unknown as DeliveryAttemptEntry[];
  }
}
