import { isKycError } from '@kyc/core';
import { GatewayPorts, SessionView } from '../../application/ports';
import { fullNameOf, intParam } from './basic-info';
import { APP_STATUS, AppRefusal } from './envelope';

/**
 * /ali/appToken and /ali/vedioAuth: Alibaba Cloud real-person verification through
 * realname-pattern's liveness method and its provider port.
 *
 * appToken starts a liveness verification of the name and ID number of step 1 (a resident ID
 * card: -1012 otherwise) and answers what the app's SDK needs: verifyToken (the provider's verify
 * token, or its certify id where the product has none, as cloudauth's app SDK takes it), certifyId,
 * certifyUrl (web products) and expiresAt. `source` (1 web, 2 app) is checked and otherwise
 * informational; `metaInfo`, the SDK's getMetaInfo() string, is passed on when given.
 *
 * vedioAuth never takes the app's word: whatever the request says, realname-pattern asks the
 * provider, server-side, about the user's latest liveness verification. 200: passed (a passed
 * verification completes, with a verified identity and the partner's callback); -1011: the
 * provider says it did not pass; -1002: none started, not finished yet, or expired (start again).
 * A provider that cannot be reached (or whose breaker is open) is -1013 on both.
 */

const unavailableAsLiveness = (err: unknown): never => {
  if (isKycError(err) && err.kind === 'unavailable') throw new AppRefusal(APP_STATUS.livenessUnavailable);
  throw err;
};

export async function startLiveness(ports: GatewayPorts, session: SessionView, params: Record<string, unknown>, correlationId: string) {
  intParam(params, 'source', [1, 2], 2);
  const metaInfo = typeof params.metaInfo === 'string' && params.metaInfo.length <= 4096 ? params.metaInfo : undefined;
  const draft = await ports.appAuthDrafts.find(session.subjectId);
  if (!draft || draft.info.documentType !== 1) throw new AppRefusal(APP_STATUS.livenessNeedsIdCard);
  const { output } = await ports.liveness
    .start({
      subjectId: session.subjectId,
      partnerId: session.partnerId,
      claim: { name: fullNameOf(draft.info), idNumber: draft.info.idNumber, mobile: '' },
      metaInfo,
      correlationId,
    })
    .catch(unavailableAsLiveness);
  return {
    verifyToken: output.verify_token ?? output.certify_id ?? null,
    certifyId: output.certify_id ?? null,
    certifyUrl: output.certify_url ?? null,
    expiresAt: output.expires_at ?? null,
  };
}

export async function confirmLiveness(ports: GatewayPorts, session: SessionView, params: Record<string, unknown>, correlationId: string): Promise<null> {
  intParam(params, 'source', [1, 2], 2);
  const latest = await ports.liveness.latest(session.subjectId, correlationId).catch(unavailableAsLiveness);
  if (latest?.state === 'succeeded') return null;
  if (latest?.state === 'failed' && latest.resultCode === 'LIVENESS.FAILED') throw new AppRefusal(APP_STATUS.livenessFailed);
  throw new AppRefusal(APP_STATUS.notVerified);
}
