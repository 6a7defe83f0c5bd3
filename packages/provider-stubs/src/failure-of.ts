import { KycError } from '@kyc/core';

/** The error a promise rejects with; fails the test when it resolves instead. */
export const failureOf = (promise: Promise<unknown>): Promise<KycError> =>
  promise.then(
    () => {
      throw new Error('expected a failure, got a value');
    },
    (err: unknown) => err as KycError,
  );
