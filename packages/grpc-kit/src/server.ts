import { Server, ServerCredentials, ServiceDefinition, ServerUnaryCall, sendUnaryData, UntypedServiceImplementation } from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { Logger } from '@kyc/core';
import { toServiceError } from './status';

export interface GrpcServerHandle {
  port: number;
  health: HealthImplementation;
  /** Marks the server NOT_SERVING, lets in-flight calls finish, then stops. */
  shutdown(graceMs?: number): Promise<void>;
}

export interface ServiceRegistration {
  /** Fully-qualified service name, for its health status. */
  name: string;
  definition: ServiceDefinition;
  implementation: UntypedServiceImplementation;
}

export async function startGrpcServer(opts: {
  port: number;
  host?: string;
  services: ServiceRegistration[];
  logger: Logger;
}): Promise<GrpcServerHandle> {
  const server = new Server({ 'grpc.max_receive_message_length': 8 * 1024 * 1024 });
  const statusMap: Record<string, 'SERVING' | 'NOT_SERVING'> = { '': 'SERVING' };
  for (const s of opts.services) {
    server.addService(s.definition, s.implementation);
    statusMap[s.name] = 'SERVING';
  }
  const health = new HealthImplementation(statusMap);
  health.addToServer(server);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${opts.host ?? '0.0.0.0'}:${opts.port}`, ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  opts.logger.info({ port }, 'grpc server listening');
  return {
    port,
    health,
    shutdown: async (graceMs = 5_000) => {
      for (const name of Object.keys(statusMap)) health.setStatus(name, 'NOT_SERVING');
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
    },
  };
}

/**
 * Adapts an async handler to grpc-js's callback style: thrown KycErrors become gRPC statuses
 * carrying the stable code; anything else becomes INTERNAL without leaking its message.
 */
export function unary<Req, Res>(
  logger: Logger,
  fn: (req: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res>,
): (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => void {
  return (call, callback) => {
    fn(call.request, call).then(
      (res) => callback(null, res),
      (err: Error) => {
        const mapped = toServiceError(err);
        if (mapped.details === 'internal error') logger.error({ err: err.message, stack: err.stack }, 'grpc handler failed');
        callback(mapped as never, null);
      },
    );
  };
}
