import { randomUUID } from 'node:crypto';
import { Request } from 'express';

/**
 * The correlation id of an incoming request: the caller's `X-Correlation-Id` when it is a sane
 * token (it travels into logs and gRPC metadata, so nothing else is accepted), a fresh one otherwise.
 */
export function correlationIdOf(req: Request): string {
  const given = req.headers['x-correlation-id'];
  return typeof given === 'string' && /^[\w.:-]{1,100}$/.test(given) ? given : randomUUID();
}
