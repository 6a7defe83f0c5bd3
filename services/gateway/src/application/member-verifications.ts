import { GATEWAY_ERRORS as E, refused } from './errors';
import { GatewayPorts, MemberSubmissionView, PartnerView, VerificationView } from './ports';

/**
 * Member verification (seed 000): a partner submits one of its users' name + ID number (+ phone)
 * with its own serial number (tx_seq_no) and a notification URL; realname-pattern checks it with
 * the ID authority and the notifier reports the result. The gateway keeps the partner's references
 * (member id, tx_seq_no) with the verification id, sealed where they are personal data.
 */
export const MEMBER_VERIFICATION_METHOD = 'authority-check';

export interface MemberInput {
  id: unknown;
  name: string;
  idNumber: string;
  phone: string;
}

export interface MemberVerificationResult {
  submission: MemberSubmissionView;
  /** Undefined only while realname-pattern cannot be reached to (re)start it. */
  verification: VerificationView;
}

function startFor(ports: GatewayPorts, submission: MemberSubmissionView, userId: string, correlationId?: string) {
  return ports.verifications.start({
    subjectId: submission.subjectId,
    partnerId: submission.partnerId,
    method: MEMBER_VERIFICATION_METHOD,
    // Two elements, or three when the partner gave a phone number.
    claim: { name: submission.member.name, idNumber: submission.member.idNumber, mobile: submission.member.phone },
    // The notifier parses exactly this to fill the notification's tx_seq_no and user_id.
    partnerReference: JSON.stringify({ tx_seq_no: submission.txSeqNo, user_id: userId }),
    callbackUrl: submission.notifyUrl,
    // A repeat (or a resume after a crash) lands on the verification the first call started.
    idempotencyKey: `member:${submission.txSeqNo}`,
    correlationId,
  });
}

/** The submission's verification, (re)started idempotently when its id was never recorded (a crash after recording). */
async function verificationOf(ports: GatewayPorts, submission: MemberSubmissionView, userId: string, correlationId?: string): Promise<VerificationView> {
  if (submission.verificationId) {
    const known = await ports.verifications.get(submission.verificationId);
    if (known) return known;
  }
  const { verification } = await startFor(ports, submission, userId, correlationId);
  if (verification.verificationId !== submission.verificationId) {
    await ports.memberSubmissions.attachVerification(submission.partnerId, submission.txSeqNo, verification.verificationId);
  }
  return verification;
}

export async function startMemberVerification(
  ports: GatewayPorts,
  partner: PartnerView,
  input: { userId: string; txSeqNo: string; notifyUrl: string; member: MemberInput; correlationId: string },
): Promise<MemberVerificationResult> {
  const member = { ...input.member, name: input.member.name.trim(), idNumber: input.member.idNumber.trim().toUpperCase() };
  const verdict = await ports.identities.validateIdNumber(member.idNumber);
  if (!verdict.valid) throw refused(E.idNumberInvalid, `identity_card_number refused: ${verdict.reasonCode}`, 'invalid_argument');

  const subject = await ports.subjects.subjectFor(partner.appId, input.userId);
  const fingerprint = ports.memberSubmissions.fingerprintOf({ user_id: input.userId, notify_url: input.notifyUrl, member });
  const { submission, created } = await ports.memberSubmissions.record({
    partnerId: partner.appId,
    subjectId: subject.subjectId,
    txSeqNo: input.txSeqNo,
    fingerprint,
    member,
    notifyUrl: input.notifyUrl,
  });
  if (!created && submission.fingerprint !== fingerprint) throw refused(E.txSeqNoReused, 'tx_seq_no already used for other data', 'already_exists');
  const verification = await verificationOf(ports, submission, input.userId, input.correlationId);
  return { submission, verification };
}

/** The user's most recent member verification with this partner. */
export async function memberVerificationStatus(
  ports: GatewayPorts,
  partner: PartnerView,
  userId: string,
  correlationId?: string,
): Promise<MemberVerificationResult> {
  const subject = await ports.subjects.findSubject(partner.appId, userId);
  const submission = subject && (await ports.memberSubmissions.latestOf(partner.appId, subject.subjectId));
  if (!submission) throw refused(E.memberNotFound, 'no member verification for this user', 'not_found');
  return { submission, verification: await verificationOf(ports, submission, userId, correlationId) };
}

