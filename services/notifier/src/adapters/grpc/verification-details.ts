import { verification } from '@kyc/contracts';
import { ResilientClient } from '@kyc/grpc-kit';
import { CallbackDetails, VerificationDetailsSource } from '../../application/ports';

/** realname-pattern's GetVerification, for the partner reference, callback URL and (member-notify) the ID number. */
export class GrpcVerificationDetails implements VerificationDetailsSource {
  constructor(private readonly client: ResilientClient<verification.VerificationServiceClient>) {}

  async fetch(verificationId: string, correlationId: string, includeClaim: boolean): Promise<CallbackDetails> {
    const res = await this.client.unary(this.client.raw.getVerification, { verificationId, includeClaim, ticket: '' }, { correlationId });
    return {
      partnerReference: res.verification?.partnerReference ?? '',
      callbackUrl: res.verification?.callbackUrl ?? '',
      idNumber: includeClaim ? (res.claim?.idNumber ?? '') : '',
    };
  }
}
