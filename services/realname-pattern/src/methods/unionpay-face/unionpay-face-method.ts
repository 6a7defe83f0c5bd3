import { invalidArgument } from '@kyc/core';
import { UNIONPAY_FACE_FIELDS, UnionpayFace, UnionpayFaceRequest } from '../../providers/unionpay-face/unionpay-face';
import { nameClaim, ROSTER_INPUT_INVALID, rosterMethod, RosterMethodDeps } from '../roster-match/roster-method';
import { VerificationMethod } from '../method';

export const UNIONPAY_FACE = 'unionpay-face';

export interface UnionpayFaceDeps {
  unionpayFace: UnionpayFace;
}

export const UNIONPAY_FACE_RESULT = { failed: 'UNIONPAY_FACE.FAILED' } as const;

/** method_input keys: the seed's field names in snake case (protocoVerison as the seed spells it). */
const snake = (field: string) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** UnionPay's request from method_input; the name and ID number are the claim's (certCode, name). */
export function unionpayRequestOf(input: Record<string, string>, claim: { name: string; idNumber: string }): UnionpayFaceRequest {
  const ts = Number(input.ts ?? '');
  if (!Number.isSafeInteger(ts) || ts <= 0) throw invalidArgument(ROSTER_INPUT_INVALID, 'ts must be a positive integer timestamp');
  const fields = Object.fromEntries(UNIONPAY_FACE_FIELDS.map((f) => [f, input[snake(f)] ?? '']));
  return { ...(fields as Omit<UnionpayFaceRequest, 'ts' | 'faceImage'>), name: claim.name, certCode: claim.idNumber, ts, faceImage: input.face_image ?? '' };
}

/**
 * Seed 003 UNIONPAY-FACE: UnionPay compares the live face with the ID photo of the claimed name
 * and ID number, at start (the app's token is spent by that one call; it is never repeated). The
 * face image goes to UnionPay and nowhere else. Passed: the identity is recorded like any method's.
 */
export function unionpayFaceMethod(deps: RosterMethodDeps & UnionpayFaceDeps): VerificationMethod {
  return rosterMethod(
    {
      name: UNIONPAY_FACE,
      checksIdNumber: true,
      validateClaim: (claim) => nameClaim(claim, true, 'UNIONPAY-FACE'),
      async match(ctx) {
        const answer = await deps.unionpayFace.verify(unionpayRequestOf(ctx.input, ctx.claim));
        if (answer.outcome !== 'passed') return { matched: false, resultCode: UNIONPAY_FACE_RESULT.failed, providerReference: answer.providerReference };
        return { matched: true, relatives: [], providerReference: answer.providerReference };
      },
    },
    deps,
  );
}
