import { z } from 'zod';

/**
 * Numbers from partners and reviewers end up in proto fields; a value outside the field's type
 * must be refused here (400), not discovered when the gRPC request fails to encode.
 */
export const INT32_MAX = 2 ** 31 - 1;

/** A proto `int32` field that must be at least `min`. */
export const protoInt32 = (min = -(2 ** 31)) => z.number().int().min(min).max(INT32_MAX);

/** The same, parsed from a query or path string. */
export const protoInt32Param = (min = -(2 ** 31)) => z.coerce.number().int().min(min).max(INT32_MAX);
