import { credentials, makeClientConstructor, ServiceError } from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';

type HealthClient = {
  check(req: { service: string }, opts: { deadline: number }, cb: (err: ServiceError | null, res?: { status: string | number }) => void): void;
  close(): void;
};
const HealthClientCtor = makeClientConstructor(healthService as never, 'grpc.health.v1.Health') as unknown as new (
  address: string,
  creds: ReturnType<typeof credentials.createInsecure>,
) => HealthClient;

const STATUS_NAMES: Record<number, string> = { 0: 'UNKNOWN', 1: 'SERVING', 2: 'NOT_SERVING', 3: 'SERVICE_UNKNOWN' };

/**
 * Asks a service's standard gRPC health service how it is, as a Kubernetes gRPC probe does
 * (plaintext, `service` "" for the whole server). Resolves with the status name; rejects when
 * nothing answers within the timeout.
 */
export function checkGrpcHealth(target: string, opts: { service?: string; timeoutMs?: number } = {}): Promise<string> {
  const client = new HealthClientCtor(target, credentials.createInsecure());
  return new Promise<string>((resolve, reject) => {
    client.check({ service: opts.service ?? '' }, { deadline: Date.now() + (opts.timeoutMs ?? 1_000) }, (err, res) => {
      client.close();
      if (err) reject(err);
      else resolve(typeof res?.status === 'number' ? (STATUS_NAMES[res.status] ?? String(res.status)) : String(res?.status));
    });
  });
}
