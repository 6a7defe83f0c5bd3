import { GATEWAY_ERRORS as E, refused } from './errors';
import { GatewayPorts, ReviewCaseView, SessionView } from './ports';

/**
 * Manual-review use cases (seed 002's flow, contract-agnostic): a session's subject submits
 * photos and identity info, reads them back, and is locked out while a review is pending or after
 * approval.
 */
export async function sessionOf(ports: Pick<GatewayPorts, 'sessions'>, sid: unknown): Promise<SessionView> {
  const session = await ports.sessions.resolve(sid);
  if (!session) throw refused(E.sessionNotFound, 'unknown or expired session', 'unauthenticated');
  return session;
}

/**
 * Refuses changes to evidence while realname-pattern says it is locked (a case pending or
 * approved); returns the case as it was asked.
 */
export async function assertEvidenceUnlocked(
  ports: Pick<GatewayPorts, 'reviewCases'>,
  subjectId: string,
  correlationId?: string,
): Promise<ReviewCaseView> {
  const current = await ports.reviewCases.current(subjectId, correlationId);
  if (current.evidenceLocked) throw refused(E.evidenceLocked, 'submitted for review; evidence locked', 'failed_precondition');
  return current;
}

export async function submitIdentityInfo(
  ports: GatewayPorts,
  input: { sid: string; name: string; idcardNumber: string; correlationId: string },
): Promise<void> {
  const session = await sessionOf(ports, input.sid);
  const current = await assertEvidenceUnlocked(ports, session.subjectId, input.correlationId);
  const uploaded = await ports.photos.listTypes(session.subjectId, input.correlationId);
  if (current.requiredPhotoTypes.some((t) => !uploaded.includes(t))) throw refused(E.photosMissing, 'required photos missing', 'invalid_argument');
  const verdict = await ports.identities.validateIdNumber(input.idcardNumber, input.name);
  if (!verdict.valid) throw refused(E.idNumberInvalid, `identity refused: ${verdict.reasonCode}`, 'invalid_argument');
  await ports.submissions.infoSubmitted({
    subjectId: session.subjectId,
    partnerId: session.partnerId,
    name: input.name.trim(),
    idcardNumber: input.idcardNumber.trim().toUpperCase(),
    correlationId: input.correlationId,
  });
}

export async function fetchIdentityInfo(ports: GatewayPorts, sid: string, correlationId?: string) {
  const session = await sessionOf(ports, sid);
  const [reviewCase, photoTypes] = await Promise.all([
    ports.reviewCases.current(session.subjectId, correlationId),
    ports.photos.listTypes(session.subjectId, correlationId),
  ]);
  return { uid: session.uid, photoTypes, reviewCase };
}

export async function deletePhoto(ports: GatewayPorts, sid: string, photoType: number, correlationId: string): Promise<void> {
  const session = await sessionOf(ports, sid);
  await assertEvidenceUnlocked(ports, session.subjectId, correlationId);
  await ports.photos.remove(session.subjectId, photoType, correlationId);
}
