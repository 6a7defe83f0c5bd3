import { identity, submission } from '@kyc/contracts';
import { invalidArgument, Logger } from '@kyc/core';
import { ResilientClient } from '@kyc/grpc-kit';
import { EventBus, EventEnvelope, ProcessedEventStore, Subscription, TOPICS } from '@kyc/kafka-bus';
import { PiiCipher } from '@kyc/pii-crypto';
import { ReviewVerifications } from '../../application/review-verifications';
import { SubmissionExtras } from '../../domain/review-case';
import { ReviewCaseRepository } from '../mongo/review-case-repository';

/** Context the gateway seals submitted identities under (see the gateway's submission publisher). */
export const submissionSealContext = (subjectId: string) => `submission:${subjectId}`;

/** A seed 001 submission's method, document type and fields; undefined for seed 002's (name and number only). */
function extrasOf(sealed: { method?: unknown; document_type?: unknown; details?: unknown }): SubmissionExtras | undefined {
  if (typeof sealed.method !== 'string' || !sealed.method) return undefined;
  const details: Record<string, string> = {};
  if (sealed.details && typeof sealed.details === 'object') {
    for (const [k, v] of Object.entries(sealed.details)) if (typeof v === 'string') details[k] = v;
  }
  return { method: sealed.method, documentType: sealed.document_type === 'passport' ? 'passport' : 'id-card', details };
}

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
      /** Seed 001's four-step submissions (the gateway checked the document before sending it). */
      method?: string;
      document_type?: string;
      details?: Record<string, string>;
    };
    const extras = extrasOf(sealed);
    // The ID rules live in identity-lookup; ask it rather than re-implementing them here. A
    // passport number is not a GB 11643 number: its format was checked by the gateway.
    const verdict =
      extras?.documentType === 'passport'
        ? { valid: true, reasonCode: '' }
        : await identityLookup.unary(identityLookup.raw.validateIdNumber, { idNumber: sealed.idcard_number, name: sealed.name }, { correlationId: env.correlationId });
    const base = { subjectId: event.subjectId, partnerId: event.partnerId, eventId: env.eventId, correlationId: env.correlationId };
    if (!verdict.valid) {
      await cases.refuse({ ...base, reasonCode: verdict.reasonCode });
      logger.info({ subjectId: event.subjectId, reasonCode: verdict.reasonCode }, 'submission refused');
      return;
    }
    const applied = await cases.submit({ ...base, name: sealed.name.trim(), idNumber: sealed.idcard_number.trim().toUpperCase(), extras });
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
