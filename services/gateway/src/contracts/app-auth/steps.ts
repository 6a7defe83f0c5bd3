import { AppAuthInfo, GatewayPorts, SessionView } from '../../application/ports';
import { checkIdCard, fullNameOf, intParam, parseBasicInfo } from './basic-info';
import { APP_STATUS, AppRefusal } from './envelope';

/**
 * Seed 001's four steps (/user/authnew), on the one manual-review model:
 *
 *   step 1  basic information (stored by the gateway, sealed)           needs nothing
 *   step 2  positiveImages: the ID card front   -> photo type 1         needs step 1
 *   step 3  oppositeImages: the ID card back    -> photo type 2         needs steps 1-2
 *   step 4  handImages: the hand-held photo     -> photo type 0         needs steps 1-3,
 *           then submits the whole for review (manual review, "document-review" method)
 *
 * Steps 2-4 name an object uploaded with the getsts credentials (its key, or its URL): it must be
 * under the user's own prefix and exist; photo-storage binds it to the step's photo type (it was
 * sniffed and checked as an image when it was uploaded).
 *
 * Order and repeats: a step whose predecessor is missing is refused (-1005, naming the step to do
 * first). Before submission any completed step may be repeated: step 1 replaces the information,
 * steps 2 and 3 replace their photo; the later steps stay as they are. Step 4 submits; while the
 * review is pending every step is refused (-1003), and once approved too (-1004). A rejection
 * unlocks all steps again: correct what the reviewer named, then step 4 submits a new round (the
 * same hand-held image may be named again).
 */

export const DOCUMENT_REVIEW_METHOD = 'document-review';

/** Step -> the photo type it binds and the parameter naming the object. */
const IMAGE_STEPS: Record<number, { photoType: number; field: string }> = {
  2: { photoType: 1, field: 'positiveImages' },
  3: { photoType: 2, field: 'oppositeImages' },
  4: { photoType: 0, field: 'handImages' },
};

/** What a reviewer sees beyond name and number, in the seed's own field names. */
export function reviewDetailsOf(info: AppAuthInfo): Record<string, string> {
  return {
    country: info.country,
    firstName: info.firstName,
    secondName: info.secondName,
    birthday: info.birthday,
    gender: info.gender === 1 ? '1 (male)' : '2 (female)',
    isChina: String(info.isChina),
    currentLocation: info.documentType === 1 ? '1 (resident ID card)' : '2 (passport)',
    singnTime: info.validFrom,
    outofTime: info.longTerm ? '' : info.validTo,
    isAllTime: info.longTerm ? '1' : '0',
  };
}

/** Refuses every step while the evidence is locked: -1004 once approved, -1003 while pending. */
export async function assertEditable(ports: GatewayPorts, session: SessionView, correlationId: string): Promise<void> {
  const current = await ports.reviewCases.current(session.subjectId, correlationId);
  if (current.evidenceLocked) throw new AppRefusal(current.validateStatus === 2 ? APP_STATUS.alreadyVerified : APP_STATUS.underReview);
}

export async function submitStep(ports: GatewayPorts, session: SessionView, params: Record<string, unknown>, correlationId: string): Promise<void> {
  const step = intParam(params, 'step', [1, 2, 3, 4]);
  if (step === 1) {
    // Checks that need no other service run before the lock is asked for.
    const info = parseBasicInfo(params);
    await assertEditable(ports, session, correlationId);
    await checkIdCard(ports.identities, info);
    await ports.appAuthDrafts.save(session.subjectId, session.partnerId, info);
    return;
  }
  const { photoType, field } = IMAGE_STEPS[step];
  const reference = params[field];
  if (typeof reference !== 'string' || reference.trim() === '' || reference.length > 2048) throw new AppRefusal(APP_STATUS.badParameter, field);
  const named = ports.objectStore.objectKeyOf(session, reference);
  if (!named.ok) throw named.reason === 'foreign' ? new AppRefusal(APP_STATUS.imageInvalid) : new AppRefusal(APP_STATUS.badParameter, field);

  await assertEditable(ports, session, correlationId);
  const draft = await ports.appAuthDrafts.find(session.subjectId);
  if (!draft) throw new AppRefusal(APP_STATUS.stepOutOfOrder, '1');
  if (params.isChina !== undefined && params.isChina !== '' && intParam(params, 'isChina', [0, 1]) !== draft.info.isChina) {
    throw new AppRefusal(APP_STATUS.badParameter, 'isChina');
  }
  const present = new Set((await ports.photos.listPhotos(session.subjectId, correlationId)).map((p) => p.photoType));
  for (let earlier = 2; earlier < step; earlier++) {
    if (!present.has(IMAGE_STEPS[earlier].photoType)) throw new AppRefusal(APP_STATUS.stepOutOfOrder, String(earlier));
  }
  await ports.photos.bindObject({ subjectId: session.subjectId, partnerId: session.partnerId, objectKey: named.key, photoType, correlationId });
  if (step !== 4) return;
  await ports.submissions.infoSubmitted({
    subjectId: session.subjectId,
    partnerId: session.partnerId,
    name: fullNameOf(draft.info),
    idcardNumber: draft.info.idNumber,
    correlationId,
    method: DOCUMENT_REVIEW_METHOD,
    documentType: draft.info.documentType === 2 ? 'passport' : 'id-card',
    details: reviewDetailsOf(draft.info),
  });
}
