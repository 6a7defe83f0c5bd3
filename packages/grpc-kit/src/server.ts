import { Server, ServerCredentials, ServiceDefinition, ServerUnaryCall, sendUnaryData, UntypedServiceImplementation } from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { Logger, splitList } from '@kyc/core';
import { rpcServerSpan } from '@kyc/telemetry';
import { callerAuthorization } from './authorization';
import { isBusinessError, toServiceError } from './status';
import { ownIdentity, serverCredentials, TlsMaterialProvider, TlsSource, watchedTlsMaterial } from './tls';

export interface GrpcServerHandle {
  /** The mutual-TLS port carrying the services (and the health service). */
  port: number;
  /** The plaintext port carrying the health service alone, for probes. */
  healthPort: number;
  /** One health status for both ports. */
  health: HealthImplementation;
  /** Marks the server NOT_SERVING, lets in-flight calls finish, then stops both ports. */
  shutdown(graceMs?: number): Promise<void>;
}

export interface ServiceRegistration {
  /** Fully-qualified service name, for its health status. */
  name: string;
  definition: ServiceDefinition;
  implementation: UntypedServiceImplementation;
  /**
   * Narrows the server's allowed callers for this service (never widens it): e.g. a server whose
   * verification API the notifier may call while its review API stays gateway-only.
   */
  allowedCallers?: readonly string[];
}

/** Where the server listens and who may call it: a service's `grpc` configuration (grpcServerConfig). */
export interface GrpcListenOptions {
  host: string;
  healthHost: string;
  healthPort: number;
  /** Identities allowed to call this server's services, as a list or comma-separated. */
  allowedCallers: string | readonly string[];
}

const hostPort = (host: string, port: number) => `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;

function bind(server: Server, address: string, creds: ServerCredentials): Promise<number> {
  return new Promise<number>((resolve, reject) => server.bindAsync(address, creds, (err, p) => (err ? reject(err) : resolve(p))));
}

async function drain(server: Server, graceMs: number): Promise<void> {
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
}

/**
 * Starts a service's gRPC server: its services and the standard health service on `port`, over
 * mutual TLS, where only callers on `listen.allowedCallers` get through (callerAuthorization);
 * and the health service again, alone and in plaintext, on `listen.healthPort` for probes that
 * cannot speak TLS. Without TLS material it refuses to start (loadTlsMaterial).
 */
export async function startGrpcServer(opts: {
  port: number;
  listen: GrpcListenOptions;
  tls: TlsSource | TlsMaterialProvider;
  services: ServiceRegistration[];
  logger: Logger;
}): Promise<GrpcServerHandle> {
  const tls = watchedTlsMaterial(opts.tls, opts.logger);
  const allowedCallers = typeof opts.listen.allowedCallers === 'string' ? splitList(opts.listen.allowedCallers) : [...opts.listen.allowedCallers];
  const server = new Server({
    'grpc.max_receive_message_length': 8 * 1024 * 1024,
    interceptors: [
      callerAuthorization(
        allowedCallers,
        opts.logger,
        Object.fromEntries(opts.services.filter((s) => s.allowedCallers).map((s) => [s.name, s.allowedCallers!])),
      ),
    ],
  });
  const statusMap: Record<string, 'SERVING' | 'NOT_SERVING'> = { '': 'SERVING' };
  for (const s of opts.services) {
    server.addService(s.definition, s.implementation);
    statusMap[s.name] = 'SERVING';
  }
  const health = new HealthImplementation(statusMap);
  health.addToServer(server);
  // The same HealthImplementation on both servers: one status, watched on either port.
  const healthServer = new Server();
  health.addToServer(healthServer);

  const port = await bind(server, hostPort(opts.listen.host, opts.port), serverCredentials(tls));
  let healthPort: number;
  try {
    healthPort = await bind(healthServer, hostPort(opts.listen.healthHost, opts.listen.healthPort), ServerCredentials.createInsecure());
  } catch (err) {
    server.forceShutdown();
    throw err;
  }
  opts.logger.info({ port, healthPort, identity: ownIdentity(tls.current), allowedCallers }, 'grpc server listening (mutual TLS; health also in plaintext)');
  return {
    port,
    healthPort,
    health,
    shutdown: async (graceMs = 5_000) => {
      for (const name of Object.keys(statusMap)) health.setStatus(name, 'NOT_SERVING');
      await drain(server, graceMs);
      // Probes keep seeing NOT_SERVING until the services are drained; Watch streams end here.
      healthServer.forceShutdown();
    },
  };
}

/**
 * Adapts an async handler to grpc-js's callback style: thrown KycErrors become gRPC statuses
 * carrying the stable code; anything else becomes INTERNAL without leaking its message. The
 * handler runs in a server span continuing the caller's trace (W3C context in the metadata).
 */
export function unary<Req, Res>(
  logger: Logger,
  fn: (req: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res>,
): (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => void {
  return (call, callback) => {
    // Hand-built calls (unit tests of a service's handlers) have no path or metadata.
    const path = typeof call.getPath === 'function' ? call.getPath() : '/unknown/unknown';
    rpcServerSpan(path, call.metadata?.getMap() ?? {}, () => fn(call.request, call), isBusinessError).then(
      (res) => callback(null, res),
      (err: Error) => {
        const mapped = toServiceError(err);
        if (mapped.details === 'internal error') logger.error({ err: err.message, stack: err.stack }, 'grpc handler failed');
        callback(mapped as never, null);
      },
    );
  };
}
