import { PeerCertificate } from 'node:tls';
import { ResponderBuilder, ServerInterceptingCall, ServerInterceptor, ServerListenerBuilder, status } from '@grpc/grpc-js';
import { KycError, Logger } from '@kyc/core';
import { toServiceError } from './status';
import { identityOf } from './tls';

/** Every authenticated platform service may ask a server how it is: the health service is open to all of them. */
const OPEN_TO_ANY_SERVICE = '/grpc.health.v1.Health/';

export type CallerDecision = { allowed: true; caller: string } | { allowed: false; caller?: string; error: KycError };

/**
 * Who may call a method: a client certificate that names a platform service (see identityOf),
 * and that service on the server's allow-list. Stable codes: KYC.GRPC.UNAUTHENTICATED (no
 * identity; the TLS handshake normally refuses such peers first) and KYC.GRPC.CALLER_NOT_ALLOWED.
 */
export function authorizeCaller(method: string, peerCert: PeerCertificate | undefined, allowedCallers: ReadonlySet<string>): CallerDecision {
  const caller = identityOf(peerCert);
  if (!caller) {
    return {
      allowed: false,
      error: new KycError('KYC.GRPC.UNAUTHENTICATED', 'the client certificate names no platform service', { kind: 'unauthenticated' }),
    };
  }
  if (method.startsWith(OPEN_TO_ANY_SERVICE) || allowedCallers.has(caller)) return { allowed: true, caller };
  return {
    allowed: false,
    caller,
    error: new KycError('KYC.GRPC.CALLER_NOT_ALLOWED', `${caller} is not allowed to call ${method}`, { kind: 'permission_denied' }),
  };
}

/**
 * Server interceptor applying authorizeCaller to every call, unary and streaming alike, before
 * the handler sees it. `perService` narrows the server-wide list for one service (keyed by its
 * fully-qualified name): a caller allowed on the server for one API is not thereby allowed on
 * another API of the same server. Refusals are logged with the caller's identity and the method only.
 */
export function callerAuthorization(
  allowedCallers: readonly string[],
  logger: Logger,
  perService: Readonly<Record<string, readonly string[]>> = {},
): ServerInterceptor {
  const allowed = new Set(allowedCallers);
  const narrowed = Object.entries(perService).map(
    ([service, callers]) => [`/${service}/`, new Set(callers.filter((c) => allowed.has(c)))] as const,
  );
  const allowedFor = (path: string) => narrowed.find(([prefix]) => path.startsWith(prefix))?.[1] ?? allowed;
  return (method, call) => {
    const listener = new ServerListenerBuilder()
      .withOnReceiveMetadata((metadata, next) => {
        const decision = authorizeCaller(method.path, call.getAuthContext().sslPeerCertificate, allowedFor(method.path));
        if (decision.allowed) return next(metadata);
        logger.warn({ caller: decision.caller ?? null, method: method.path, code: decision.error.code, peer: call.getPeer() }, 'grpc call refused');
        const refused = toServiceError(decision.error);
        call.sendStatus({ code: refused.code ?? status.PERMISSION_DENIED, details: refused.details ?? '', metadata: refused.metadata });
      })
      .build();
    return new ServerInterceptingCall(call, new ResponderBuilder().withStart((next) => next(listener)).build());
  };
}
