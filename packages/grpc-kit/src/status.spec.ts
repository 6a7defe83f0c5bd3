import { Metadata, status } from '@grpc/grpc-js';
import { KycError } from '@kyc/core';
import { asKycError, correlationMetadata, ERROR_CODE_KEY } from './status';

describe('asKycError', () => {
  it('when a gRPC status arrives with a stable code, then the KycError keeps code and kind', () => {
    const metadata = new Metadata();
    metadata.set(ERROR_CODE_KEY, 'KYC.PHOTO.NOT_FOUND');
    const err = asKycError(Object.assign(new Error('x'), { code: status.NOT_FOUND, details: 'no photo', metadata }), 'photo-storage');
    expect(err).toMatchObject({ code: 'KYC.PHOTO.NOT_FOUND', kind: 'not_found' });
  });

  it('when the error is already a KycError, then it passes through; anything else becomes internal', () => {
    const own = new KycError('KYC.X', 'm', { kind: 'invalid_argument' });
    expect(asKycError(own, 'callee')).toBe(own);
    expect(asKycError(new TypeError('boom'), 'callee')).toMatchObject({ code: 'KYC.INTERNAL', kind: 'internal' });
  });

  it('when a correlation id is given, then the metadata carries it', () => {
    expect(correlationMetadata('c-1').get('x-correlation-id')).toEqual(['c-1']);
    expect(correlationMetadata().get('x-correlation-id')).toEqual([]);
  });
});
