import { progressOf, RedactionProgress } from '../domain/redaction';
import { refused } from './errors';
import { PartnerRedactionsPort, PartnerView, SubjectsPort } from './ports';

export const REDACTION_ERRORS = {
  userNotFound: 'KYC.GATEWAY.REDACTION_USER_NOT_FOUND',
  redactionNotFound: 'KYC.GATEWAY.REDACTION_NOT_FOUND',
} as const;

/**
 * A partner deletes one of its users' personal data. It names the user by its own id, so it can
 * only ever reach its own users; a user it never had answers not found. Idempotent: asking again
 * (before or after the erasure finished) answers the same redaction.
 */
export async function requestRedaction(
  ports: { subjects: Pick<SubjectsPort, 'findSubject'>; redactions: PartnerRedactionsPort },
  partner: PartnerView,
  partnerUserId: string,
): Promise<{ progress: RedactionProgress; created: boolean }> {
  const subject = await ports.subjects.findSubject(partner.appId, partnerUserId);
  if (!subject) {
    const earlier = await ports.redactions.latestOfUser(partner.appId, partnerUserId);
    if (earlier) return { progress: progressOf(earlier), created: false };
    throw refused(REDACTION_ERRORS.userNotFound, 'no such user of this partner', 'not_found');
  }
  const { record, created } = await ports.redactions.request({ partnerId: partner.appId, partnerUserId, subjectId: subject.subjectId });
  return { progress: progressOf(record), created };
}

/** Progress of one of the partner's redactions; another partner's answers not found, like an unknown id. */
export async function redactionProgress(ports: { redactions: PartnerRedactionsPort }, partner: PartnerView, redactionId: string): Promise<RedactionProgress> {
  const record = await ports.redactions.find(redactionId);
  if (!record || record.partnerId !== partner.appId) throw refused(REDACTION_ERRORS.redactionNotFound, 'no such redaction of this partner', 'not_found');
  return progressOf(record);
}
