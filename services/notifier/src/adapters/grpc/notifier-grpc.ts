import { notifier } from '@kyc/contracts';
import { Logger } from '@kyc/core';
import { ServiceRegistration, unary } from '@kyc/grpc-kit';
import { CallbackAdmin } from '../../application/callback-admin';
import { CallbackRecord, DeliveryAttemptEntry } from '../../application/ports';
import { CallbackState } from '../../domain/callback';

const STATE_TO_PROTO: Record<CallbackState, notifier.CallbackState> = {
  PENDING: notifier.CallbackState.CALLBACK_STATE_PENDING,
  DELIVERED: notifier.CallbackState.CALLBACK_STATE_DELIVERED,
  PARKED: notifier.CallbackState.CALLBACK_STATE_PARKED,
};

const stateFromProto = (s: notifier.CallbackState): CallbackState | undefined =>
  (Object.keys(STATE_TO_PROTO) as CallbackState[]).find((k) => STATE_TO_PROTO[k] === s);

export const toProtoCallback = (c: CallbackRecord): notifier.Callback => ({
  callbackId: c.callbackId,
  partnerId: c.partnerId,
  verificationId: c.verificationId,
  state: STATE_TO_PROTO[c.state],
  endpoint: c.endpoint ?? '',
  attempts: c.attempts,
  nextAttemptAt: c.state === 'PENDING' ? c.nextAttemptAt : undefined,
  createdAt: c.createdAt,
  deliveredAt: c.deliveredAt,
  format: c.format ?? '',
});

const toProtoAttempt = (a: DeliveryAttemptEntry): notifier.DeliveryAttempt => ({
  attempt: a.attempt,
  startedAt: a.startedAt,
  httpStatus: a.httpStatus,
  latencyMs: a.latencyMs,
  outcome: a.outcome,
});

/** NotifierService: operators list, inspect and resend callbacks. */
export function notifierGrpc(deps: { admin: CallbackAdmin; logger: Logger }): ServiceRegistration {
  const { admin, logger } = deps;
  const implementation: notifier.NotifierServiceServer = {
    listCallbacks: unary(logger, async (req: notifier.ListCallbacksRequest) => ({
      callbacks: (await admin.list(req.partnerId, stateFromProto(req.state), req.limit)).map(toProtoCallback),
    })),
    getCallback: unary(logger, async (req: notifier.GetCallbackRequest) => {
      const { callback, attempts } = await admin.show(req.callbackId);
      return { callback: toProtoCallback(callback), attempts: attempts.map(toProtoAttempt) };
    }),
    resendCallback: unary(logger, async (req: notifier.ResendCallbackRequest) => ({
      callback: toProtoCallback(await admin.resend(req.callbackId, req.operatorId)),
    })),
  };
  return { name: 'kyc.notifier.v1.NotifierService', definition: notifier.NotifierServiceService, implementation: implementation as never };
}
