import { createLogger, isKycError } from '@kyc/core';
import { connectMongo, ensureIndexes } from '@kyc/mongo-kit';
import { masterKeyFromHex, PiiCipher } from '@kyc/pii-crypto';
import { CallbackRepository } from '../adapters/mongo/callback-repository';
import { DeliveryAttemptRepository } from '../adapters/mongo/delivery-attempt-repository';
import { CallbackAdmin, LIST_MAX_LIMIT } from '../application/callback-admin';
import { CallbackRecord, DeliveryAttemptEntry } from '../application/ports';
import { CallbackState } from '../domain/callback';
import { loadNotifierConfig } from '../config';

/**
 * Operator commands for partner callbacks, for the `kyc` command: the notifier's configuration,
 * its own database, and the same application service as the NotifierService gRPC API. A resend
 * is picked up by the running notifier within its poll interval.
 */
/** Which callbacks a bulk resend queues: named ones, or a partner's in one state (parked unless given). */
export type ResendSelection = { ids: readonly string[] } | { partnerId: string; state?: CallbackState; limit?: number };

export interface ResendObserver {
  /** How many callbacks are about to be queued. */
  onStart?(total: number): void;
  /** After each callback, queued or found missing: how many are done. */
  onProgress?(done: number): void;
}

export interface ResendOutcome {
  resent: CallbackRecord[];
  /** Named callbacks that do not exist. */
  missing: string[];
}

async function withCallbackAdmin<T>(work: (admin: CallbackAdmin) => Promise<T>): Promise<T> {
  const config = loadNotifierConfig();
  const logger = createLogger('callback-operator', 'warn');
  const mongo = await connectMongo(config.mongo.url, config.mongo.db, logger);
  try {
    const callbacks = new CallbackRepository(mongo, new PiiCipher(masterKeyFromHex(config.masterKey, config.masterKeyId)));
    const deliveryLog = new DeliveryAttemptRepository(mongo);
    await ensureIndexes([callbacks.model, deliveryLog.model]);
    return await work(new CallbackAdmin({ callbacks, deliveryLog, logger }));
  } finally {
    await mongo.close();
  }
}

/** A partner's callbacks, newest first (50 unless a limit is given, at most 500). */
export async function listCallbacks(partnerId: string, state?: CallbackState, limit = 0): Promise<CallbackRecord[]> {
  return withCallbackAdmin((admin) => admin.list(partnerId, state, limit));
}

/** One callback with its delivery log. */
export async function showCallback(callbackId: string): Promise<{ callback: CallbackRecord; attempts: DeliveryAttemptEntry[] }> {
  return withCallbackAdmin((admin) => admin.show(callbackId));
}

/** Queues several callbacks again, one by one; a named callback that does not exist is reported, not fatal. */
export async function resendCallbacks(selection: ResendSelection, operatorId: string, observer: ResendObserver = {}): Promise<ResendOutcome> {
  return withCallbackAdmin(async (admin) => {
    const ids =
      'ids' in selection
        ? [...new Set(selection.ids)]
        : (await admin.list(selection.partnerId, selection.state ?? 'PARKED', selection.limit || LIST_MAX_LIMIT)).map((c) => c.callbackId);
    observer.onStart?.(ids.length);
    const outcome: ResendOutcome = { resent: [], missing: [] };
    for (const id of ids) {
      try {
        outcome.resent.push(await admin.resend(id, operatorId));
      } catch (err) {
        if (!isKycError(err) || err.kind !== 'not_found') throw err;
        outcome.missing.push(id);
      }
      observer.onProgress?.(outcome.resent.length + outcome.missing.length);
    }
    return outcome;
  });
}
