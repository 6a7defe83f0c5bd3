import { setTimeout as sleep } from 'node:timers/promises';
import { ClaimView, GatewayPorts, SessionView, VerificationView } from './ports';

/**
 * Seed 003's patterns answer in the same request: the roster methods are checked by
 * realname-pattern as soon as they start, so the gateway waits (bounded) for the final state.
 * A verification still open when the wait ends is answered as pending; its ticket finds it later.
 */
export async function verifyAndAwait(
  ports: Pick<GatewayPorts, 'verifications'>,
  input: { session: SessionView; method: string; claim: ClaimView; methodInput: Record<string, string>; correlationId: string },
  opts: { waitMs: number; pollMs: number },
): Promise<{ verification: VerificationView; methodOutput: Record<string, string> }> {
  const { verification, methodOutput } = await ports.verifications.start({
    subjectId: input.session.subjectId,
    partnerId: input.session.partnerId,
    method: input.method,
    claim: input.claim,
    methodInput: input.methodInput,
    correlationId: input.correlationId,
  });
  let current = verification;
  const deadline = Date.now() + opts.waitMs;
  while (!isFinal(current) && Date.now() < deadline) {
    await sleep(opts.pollMs);
    current = (await ports.verifications.get(current.verificationId)) ?? current;
  }
  return { verification: current, methodOutput };
}

const isFinal = (v: VerificationView) => v.state === 'succeeded' || v.state === 'failed';

/** A verification by ticket, only for the partner it belongs to: another partner's ticket is as good as unknown. */
export async function verificationByTicket(
  ports: Pick<GatewayPorts, 'verifications'>,
  partnerId: string,
  ticket: string,
): Promise<{ verification: VerificationView; claim: ClaimView } | undefined> {
  const found = await ports.verifications.byTicket(ticket);
  return found && found.verification.partnerId === partnerId ? found : undefined;
}
