import mongoose from 'mongoose';

/**
 * Outbound notifications owed to partners, one per source event (the event id is the _id, so a
 * redelivered event cannot queue a second notification). Delivery with signed callbacks drains
 * records in state "pending".
 */
const notificationSchema = new mongoose.Schema(
  {
    _id: { type: String },
    partnerId: { type: String, required: true, index: true },
    subjectId: { type: String, required: true },
    kind: { type: String, required: true },
    status: { type: Number, required: true },
    state: { type: String, enum: ['pending', 'delivered', 'failed'], default: 'pending', index: true },
    attempts: { type: Number, default: 0 },
    correlationId: { type: String },
  },
  { collection: 'notifications', timestamps: true, versionKey: false },
);

export type NotificationDoc = mongoose.InferSchemaType<typeof notificationSchema> & { _id: string };

export class NotificationRepository {
  readonly model: mongoose.Model<NotificationDoc>;

  constructor(conn: mongoose.Connection) {
    this.model = conn.model<NotificationDoc>('Notification', notificationSchema);
  }

  /** Queues a notification; a second call with the same id changes nothing. */
  async enqueue(n: Omit<NotificationDoc, 'state' | 'attempts' | 'createdAt' | 'updatedAt'>): Promise<void> {
    await this.model.updateOne({ _id: n._id }, { $setOnInsert: { ...n, state: 'pending', attempts: 0 } }, { upsert: true });
  }
}
