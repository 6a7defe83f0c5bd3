import { verification } from '@kyc/contracts';
import { EventBus, ProcessedEventStore, Subscription, TOPICS } from '@kyc/kafka-bus';
import { CallbackIntake } from '../../application/callback-intake';

/** Every finished verification owes its partner one callback (the verification id is the callback id). */
export function subscribeToCompletedVerifications(deps: { bus: EventBus; processed: ProcessedEventStore; intake: CallbackIntake }): Promise<Subscription> {
  return deps.bus.subscribe({
    groupId: 'notifier.verification-callbacks',
    topics: [TOPICS.verification],
    processed: deps.processed,
    handlers: {
      'kyc.verification.v1.VerificationCompleted': async (env) => {
        const e = verification.VerificationCompleted.decode(env.payload);
        if (!e.verificationId || !e.partnerId) throw new Error('VerificationCompleted lacks verification_id or partner_id');
        await deps.intake.oweCallback({
          callbackId: e.verificationId,
          verificationId: e.verificationId,
          subjectId: e.subjectId,
          partnerId: e.partnerId,
          method: e.method,
          succeeded: e.state === verification.VerificationState.VERIFICATION_STATE_SUCCEEDED,
          resultCode: e.resultCode,
          completedAt: e.completedAt ?? env.occurredAt ?? new Date(),
          eventOccurredAt: env.occurredAt ?? new Date(),
          correlationId: env.correlationId,
        });
      },
    },
  });
}
