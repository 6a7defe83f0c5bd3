import { identity, submission } from '@kyc/contracts';
import { invalidArgument, Logger } from '@kyc/core';
import { ResilientClient } from '@kyc/grpc-kit';
import { EventBus, EventEnvelope, ProcessedEventStore, Subscription, TOPICS } from '@kyc/kafka-bus';
import { PiiCipher } from '@kyc/pii-crypto';
import { ReviewVerifications } from '../../application/review-verifications';
import { ReviewCaseRepository } from '../mongo/review-case-repository';

/** Context the gateway seals submitted identities under (see the gateway's submission publisher). */
export const submissionSealContext = (subjectId: string) => `submission:${subjectId}`;

/** Turns InfoSubmitted events into review cases. */
export async function subscribeToSubmissions(deps: {
  bus: EventBus;
  processed: ProcessedEventStore;
  cases: ReviewCaseRepository;
  reviewVerifications: ReviewVerifications;
  cipher: PiiCipher;
  identityLookup: ResilientClient<identity.IdentityLookupServiceClient>;
  logger: Logger;
}): Promise<Subscription> {
  const { cases, cipher, identityLookup, logger } = deps;

  const onInfoSubmitted = async (env: EventEnvelope) => {
    const event = submission.InfoSubmitted.decode(env.payload);
    if (!event.subjectId || !event.partnerId) throw invalidArgument('KYC.EVENT.INVALID', 'InfoSubmitted lacks subject or partner');
    const sealed = JSON.parse(cipher.openString(event.sealedIdentity, submissionSealContext(event.subjectId))) as {
      name: string;
      idcard_number: string;
    };
    // The ID rules live in identity-lookup; ask it rather than re-implementing them here.
    const verdict = await identityLookup.unary(
      identityLookup.raw.validateIdNumber,
      { idNumber: sealed.idcard_number, name: sealed.name },
      { correlationId: env.correlationId },
    );
    const base = { subjectId: event.subjectId, partnerId: event.partnerId, eventId: env.eventId, correlationId: env.correlationId };
    if (!verdict.valid) {
      await cases.refuse({ ...base, reasonCode: verdict.reasonCode });
      logger.info({ subjectId: event.subjectId, reasonCode: verdict.reasonCode }, 'submission refused');
      return;
    }
    const applied = await cases.submit({ ...base, name: sealed.name.trim(), idNumber: sealed.idcard_number.trim().toUpperCase() });
    logger.info({ subjectId: event.subjectId, applied }, applied ? 'case submitted for review' : 'submission ignored: case locked or already applied');
    // Also after a redelivery: if this process died right after storing the round, the round's
    // verification is opened now (idempotent, so a redelivery never opens a second one).
    await deps.reviewVerifications.openForCurrentRound(event.subjectId, env.correlationId);
  };

  return deps.bus.subscribe({
    groupId: 'realname-pattern.submissions',
    topics: [TOPICS.submission],
    processed: deps.processed,
    handlers: { 'kyc.submission.v1.InfoSubmitted': onInfoSubmitted },
  });
}
