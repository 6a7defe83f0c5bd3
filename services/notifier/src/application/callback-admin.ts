import { notFound, invalidArgument, Logger } from '@kyc/core';
import { CallbackState } from '../domain/callback';
import { CallbackRecord, CallbackStore, DeliveryAttemptEntry, DeliveryLog } from './ports';

export const LIST_DEFAULT_LIMIT = 50;
export const LIST_MAX_LIMIT = 500;

/** Operators' view of callbacks (gRPC NotifierService and `kyc callbacks` share it). */
export class CallbackAdmin {
  constructor(
    private readonly deps: { callbacks: CallbackStore; deliveryLog: DeliveryLog; logger: Logger; onWork?: () => void; now?: () => Date },
  ) {}

  async list(partnerId: string, state?: CallbackState, limit = LIST_DEFAULT_LIMIT): Promise<CallbackRecord[]> {
    if (!partnerId) throw invalidArgument('KYC.REQUEST.PARTNER_REQUIRED', 'partner_id is required');
    if (limit < 0) throw invalidArgument('KYC.REQUEST.LIMIT_INVALID', 'limit must not be negative');
    return this.deps.callbacks.list(partnerId, state, Math.min(limit || LIST_DEFAULT_LIMIT, LIST_MAX_LIMIT));
  }

  async show(callbackId: string): Promise<{ callback: CallbackRecord; attempts: DeliveryAttemptEntry[] }> {
    if (!callbackId) throw invalidArgument('KYC.REQUEST.CALLBACK_REQUIRED', 'callback_id is required');
    const callback = await this.deps.callbacks.find(callbackId);
    if (!callback) throw notFound('KYC.CALLBACK.NOT_FOUND', `no callback ${callbackId}`);
    return { callback, attempts: await this.deps.deliveryLog.ofCallback(callbackId) };
  }

  /** Queues the callback for immediate delivery again (any state), keeping its id. */
  async resend(callbackId: string, operatorId: string): Promise<CallbackRecord> {
    if (!callbackId) throw invalidArgument('KYC.REQUEST.CALLBACK_REQUIRED', 'callback_id is required');
    const callback = await this.deps.callbacks.requeue(callbackId, this.deps.now?.() ?? new Date());
    if (!callback) throw notFound('KYC.CALLBACK.NOT_FOUND', `no callback ${callbackId}`);
    this.deps.logger.info({ partnerId: callback.partnerId, callbackId, operatorId }, 'callback queued for resend');
    this.deps.onWork?.();
    return callback;
  }
}
