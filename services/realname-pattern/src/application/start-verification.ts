import { randomUUID } from 'node:crypto';
import { invalidArgument, Logger } from '@kyc/core';
import { Claim, startVerification, Verification, VERIFICATION_ERROR } from '../domain/verification';
import { MethodRegistry } from '../methods/registry';
import { IdentityRegistry, VerificationStore } from './ports';

export interface StartVerificationCommand {
  subjectId: string;
  partnerId: string;
  method: string;
  claim: Claim;
  evidenceIds: string[];
  partnerReference: string;
  callbackUrl: string;
  idempotencyKey: string;
  correlationId: string;
  /** What the subject's device sent for methods that begin with a provider (liveness). */
  methodInput?: Record<string, string>;
}

const MAX_REFERENCE_LENGTH = 1_024;

/**
 * Starts a verification: checks the request (known method, complete claim, a valid ID number
 * according to identity-lookup), stores it with its claim sealed and VerificationStarted in the
 * same write, then hands it to processing. A repeated idempotency key returns the first one.
 */
export class StartVerification {
  constructor(
    private readonly deps: {
      store: VerificationStore;
      methods: MethodRegistry;
      identities: IdentityRegistry;
      /** Called after a new verification is stored (processing kicks in at once). */
      onStarted: (v: Verification) => void;
      logger: Logger;
    },
  ) {}

  async run(cmd: StartVerificationCommand): Promise<{ verification: Verification; created: boolean; methodOutput: Record<string, string> }> {
    const { store, methods, identities, logger } = this.deps;
    if (!cmd.subjectId) throw invalidArgument(VERIFICATION_ERROR.subjectRequired, 'subject_id is required');
    if (!cmd.partnerId) throw invalidArgument(VERIFICATION_ERROR.partnerRequired, 'partner_id is required');
    const method = methods.get(cmd.method);
    if (method.processing === 'external') {
      // Nothing would ever decide it: its own flow (a case submission) starts it, with the evidence.
      throw invalidArgument(VERIFICATION_ERROR.methodNotStartable, `${method.name} verifications start from their own flow, not on request`);
    }
    const claim = method.validateClaim(cmd.claim);
    if (cmd.partnerReference.length > MAX_REFERENCE_LENGTH) {
      throw invalidArgument(VERIFICATION_ERROR.claimIncomplete, `partner_reference is longer than ${MAX_REFERENCE_LENGTH} characters`);
    }
    if (cmd.callbackUrl && !isHttpUrl(cmd.callbackUrl)) {
      throw invalidArgument(VERIFICATION_ERROR.invalidCallbackUrl, 'callback_url must be an http(s) URL');
    }
    if (method.checksIdNumber) {
      // The ID-number rules (GB 11643) live in identity-lookup; ask rather than re-implement.
      const verdict = await identities.validateIdNumber({ idNumber: claim.idNumber, name: claim.name }, cmd.correlationId);
      if (!verdict.valid) {
        throw invalidArgument(VERIFICATION_ERROR.invalidIdNumber, `the ID number is not valid (${verdict.reasonCode})`);
      }
    }
    const id = randomUUID();
    // Methods that begin with a provider get its session first (a repeat of an idempotency key
    // then begins one needlessly: such methods are started without a key).
    const begun = method.begin ? await method.begin({ verificationId: id, subjectId: cmd.subjectId, partnerId: cmd.partnerId, claim, input: cmd.methodInput ?? {}, correlationId: cmd.correlationId }) : undefined;
    const { verification, event } = startVerification(
      {
        id,
        subjectId: cmd.subjectId,
        partnerId: cmd.partnerId,
        method: method.name,
        evidenceIds: cmd.evidenceIds,
        partnerReference: cmd.partnerReference,
        callbackUrl: cmd.callbackUrl,
      },
      new Date(),
    );
    if (begun) verification.providerReference = begun.providerReference;
    const result = await store.insertStarted({
      verification,
      claim: begun?.claim ?? claim,
      idempotencyKey: cmd.idempotencyKey,
      event,
      correlationId: cmd.correlationId,
      progress: begun?.progress,
    });
    if (result.created) {
      logger.info({ verificationId: verification.id, subjectId: verification.subjectId, method: method.name }, 'verification started');
      this.deps.onStarted(result.verification);
    }
    return { ...result, methodOutput: result.created && begun ? begun.output : {} };
  }
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
