import { invalidArgument, isKycError } from '@kyc/core';
import { IdentityRegistry } from '../../application/ports';
import { RosterDirectory, RosterLinkedMember, RosterMatchResult, RosterMember } from '../../application/roster-directory';
import { Claim, failed, RESULT, succeeded, VERIFICATION_ERROR } from '../../domain/verification';
import { BeginContext, BeginResult, ProcessContext, ProcessResult, VerificationMethod } from '../method';

export interface RosterMethodDeps {
  roster: RosterDirectory;
  identities: IdentityRegistry;
}

/** Result codes of roster methods that failed: ROSTER.<identity-lookup's match result>, and the e-card branch. */
export const ROSTER_RESULT = {
  of: (result: RosterMatchResult) => `ROSTER.${result}`,
  /** The school runs an e-card system and no e-card provider is wired to check the password. */
  ecardNotAvailable: 'ECARD.NOT_AVAILABLE',
} as const;

export const ROSTER_INPUT_INVALID = 'KYC.VERIFICATION.INVALID_INPUT';

/** What a roster method's match found: the verified person (and who they are linked to), or why not. */
export type RosterMatch =
  | { matched: true; member?: RosterMember; relatives: RosterLinkedMember[]; providerReference: string; claim?: Claim }
  | { matched: false; resultCode: string; providerReference?: string };

/** progress.providerOutcome of a roster method whose match succeeded. */
export const MATCH = 'match';

/**
 * The shape shared by IMPORT, IMPORT-ECARD and RELATION: the roster is asked synchronously when the
 * verification starts (so the partner's answer can carry the roster's data, handed back as
 * method_output "member" and "relatives"); processing then records the verified identity (when an
 * ID number is known) and completes the verification, which owes the partner its callback like
 * every other method. A failed match is stored as a FAILED verification with ROSTER.* codes.
 */
export function rosterMethod(
  spec: {
    name: string;
    checksIdNumber: boolean;
    validateClaim(claim: Claim): Claim;
    match(ctx: BeginContext): Promise<RosterMatch>;
    /**
     * The match proves the subject is the roster member it found (their campus card): without an
     * ID number to record, the membership itself is recorded, so one member is one subject's.
     */
    provesMembership?: boolean;
  },
  deps: RosterMethodDeps,
): VerificationMethod {
  return {
    name: spec.name,
    checksIdNumber: spec.checksIdNumber,
    processing: 'automatic',
    validateClaim: spec.validateClaim,

    async begin(ctx: BeginContext): Promise<BeginResult> {
      const found = await spec.match(ctx);
      if (!found.matched) return { providerReference: found.providerReference ?? '', output: {}, progress: { providerOutcome: found.resultCode } };
      return {
        providerReference: found.providerReference,
        output: { member: JSON.stringify(found.member ?? null), relatives: JSON.stringify(found.relatives) },
        progress: { providerOutcome: MATCH, providerReference: found.providerReference },
        claim: found.claim,
      };
    },

    async process(ctx: ProcessContext): Promise<ProcessResult> {
      const { verification: v, claim } = ctx;
      const outcome = ctx.progress.providerOutcome;
      if (outcome !== MATCH) return { kind: 'complete', outcome: failed(outcome || RESULT.internal) };
      const providerReference = ctx.progress.providerReference ?? '';
      // What is held: the ID number when there is one, else (for methods that prove it) the roster membership.
      const rosterMember = !claim.idNumber && spec.provesMembership && providerReference ? providerReference : undefined;
      if (claim.idNumber || rosterMember) {
        try {
          const recorded = await deps.identities.recordVerifiedIdentity(
            {
              partnerId: v.partnerId,
              subjectId: v.subjectId,
              name: claim.name,
              idNumber: rosterMember ?? claim.idNumber,
              rosterMember: Boolean(rosterMember),
              method: spec.name,
              verificationId: v.id,
              verifiedAt: new Date(),
            },
            ctx.correlationId,
          );
          if (recorded.conflict) return { kind: 'complete', outcome: failed(RESULT.identityConflict, providerReference) };
        } catch (err) {
          return { kind: 'retry', giveUpCode: RESULT.identityUnavailable, reason: isKycError(err) ? err.code : 'KYC.INTERNAL' };
        }
      }
      return { kind: 'complete', outcome: succeeded(providerReference) };
    },
  };
}

const OUTID = /^[A-Za-z0-9._-]{1,64}$/;
const CUSTOMER_CODE = /^[A-Za-z0-9._-]{1,64}$/;
const ROLES = [1, 2, 4, 5];

/** The roster fields of method_input: outid (required), customer_code and role (optional). */
export function rosterInput(input: Record<string, string>): { outid: string; customerCode: string; role: number } {
  const outid = (input.outid ?? '').trim();
  const customerCode = (input.customer_code ?? '').trim();
  const roleText = (input.role ?? '').trim();
  if (!OUTID.test(outid)) throw invalidArgument(ROSTER_INPUT_INVALID, 'outid must be 1-64 letters, digits, ".", "_" or "-"');
  if (customerCode && !CUSTOMER_CODE.test(customerCode)) throw invalidArgument(ROSTER_INPUT_INVALID, 'customer_code must be 1-64 letters, digits, ".", "_" or "-"');
  const role = roleText ? Number(roleText) : 0;
  if (role !== 0 && !ROLES.includes(role)) throw invalidArgument(ROSTER_INPUT_INVALID, 'role must be 1, 2, 4 or 5');
  return { outid, customerCode, role };
}

/** A claim with a required name and an optional ID number (upper-case X). */
export function nameClaim(claim: Claim, idNumberRequired: boolean, what: string): Claim {
  const name = claim.name.trim();
  const idNumber = claim.idNumber.trim().toUpperCase();
  if (!name || (idNumberRequired && !idNumber)) {
    throw invalidArgument(VERIFICATION_ERROR.claimIncomplete, `${what} needs a name${idNumberRequired ? ' and an ID number' : ''}`);
  }
  return { name, idNumber, mobile: '' };
}
