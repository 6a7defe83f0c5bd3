/**
 * For method specs: one verification through a method as StartVerification and processing drive
 * it: validateClaim, begin (the provider or roster is asked), then one processing attempt from the
 * progress and the claim begin chose. Not part of the build (tsconfig excludes *.fake.ts).
 */
import { Claim, Verification } from '../domain/verification';
import { BeginContext, VerificationMethod } from './method';

export async function beginMethod(method: VerificationMethod, input: Record<string, string>, claim: Claim) {
  return method.begin!({ verificationId: 'v1', subjectId: 's1', partnerId: 'p1', claim: method.validateClaim(claim), input, correlationId: 'c' } as BeginContext);
}

export async function runMethod(method: VerificationMethod, input: Record<string, string>, claim: Claim) {
  const begun = await beginMethod(method, input, claim);
  const result = await method.process!({
    verification: { id: 'v1', subjectId: 's1', partnerId: 'p1', method: method.name } as Verification,
    claim: begun.claim ?? method.validateClaim(claim),
    progress: begun.progress,
    saveProgress: jest.fn(async () => undefined),
    correlationId: 'c',
  });
  return { begun, result };
}
