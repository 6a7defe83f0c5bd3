import { GatewayPorts, SessionView } from '../../application/ports';

/**
 * /user/authinfoNew: what the user submitted, in the seed's fields, for the app to show again.
 * Images are links the app can display: short-lived signed URLs of the objects the steps named
 * (null for a step not done, or for a photo uploaded through seed 002, which has no object).
 * Beyond the seed: currentLocation (as submitted in step 1), step (the last consecutive step done,
 * 0-4; 4 once submitted) and authStatus (0 not submitted, 1 under review, 2 approved, 3 rejected).
 */
export async function authInfoOf(ports: GatewayPorts, session: SessionView, correlationId: string) {
  const [draft, photos, reviewCase] = await Promise.all([
    ports.appAuthDrafts.find(session.subjectId),
    ports.photos.listPhotos(session.subjectId, correlationId),
    ports.reviewCases.current(session.subjectId, correlationId),
  ]);
  const info = draft?.info;
  const keyOf = (photoType: number) => photos.find((p) => p.photoType === photoType)?.objectKey || undefined;
  const urlOf = (photoType: number) => {
    const key = keyOf(photoType);
    return key ? ports.objectStore.signedUrl(session, key) : null;
  };
  const submitted = reviewCase.validateStatus !== 0;
  const step = submitted && info ? 4 : !info ? 0 : !keyOf(1) ? 1 : !keyOf(2) ? 2 : 3;
  return {
    country: info?.country ?? null,
    firstName: info?.firstName ?? null,
    secondName: info?.secondName ?? null,
    idNumber: info?.idNumber ?? null,
    positiveImages: urlOf(1),
    oppositeImages: urlOf(2),
    handImages: urlOf(0),
    birthday: info?.birthday ?? null,
    gender: info?.gender ?? null,
    isChina: info?.isChina ?? null,
    singnTime: info?.validFrom ?? null,
    outofTime: info ? (info.longTerm ? null : info.validTo) : null,
    isAllTime: info ? (info.longTerm ? 1 : 0) : null,
    currentLocation: info?.documentType ?? null,
    step,
    authStatus: reviewCase.validateStatus,
  };
}
