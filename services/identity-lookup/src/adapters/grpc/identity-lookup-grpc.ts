import { identity } from '@kyc/contracts';
import { Logger } from '@kyc/core';
import { ServiceRegistration, unary } from '@kyc/grpc-kit';
import { checkName, describeInvalid, parseIdNumber } from '../../domain/id-card';

/** gRPC face of identity-lookup; translates requests to domain calls and nothing more. */
export function identityLookupGrpc(logger: Logger): ServiceRegistration {
  const implementation: identity.IdentityLookupServiceServer = {
    validateIdNumber: unary(logger, async (req: identity.ValidateIdNumberRequest) => {
      try {
        if (req.name) checkName(req.name);
        const facts = parseIdNumber(req.idNumber);
        return { valid: true, reasonCode: '', reason: '', birthDate: facts.birthDate, regionCode: facts.regionCode };
      } catch (err) {
        const invalid = describeInvalid(err);
        if (!invalid) throw err;
        return { valid: false, reasonCode: invalid.code, reason: invalid.message, birthDate: '', regionCode: '' };
      }
    }),
  };
  return {
    name: 'kyc.identity.v1.IdentityLookupService',
    definition: identity.IdentityLookupServiceService,
    implementation: implementation as never,
  };
}
