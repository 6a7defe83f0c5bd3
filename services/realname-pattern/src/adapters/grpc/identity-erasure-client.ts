import { identity } from '@kyc/contracts';
import { RedactionRequest, SubjectErasure } from '@kyc/kafka-bus';
import { ResilientClient } from '@kyc/grpc-kit';

/**
 * identity-lookup's share of a redaction. identity-lookup has no Kafka connection; this service,
 * the only writer of its verified records, carries the request there and reports it done as
 * identity-lookup's once that service has erased them.
 */
export function identityErasure(client: ResilientClient<identity.IdentityErasureServiceClient>): SubjectErasure {
  return {
    service: 'identity-lookup',
    async erase({ partnerId, subjectId, redactionId }: RedactionRequest) {
      const res = await client.unary(client.raw.eraseSubject, { partnerId, subjectId }, { correlationId: redactionId });
      return res.erased;
    },
  };
}
