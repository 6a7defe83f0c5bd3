import { ChannelCredentials, ChannelOptions, Client, Metadata, ServiceError } from '@grpc/grpc-js';
import { GrpcServiceName, Platform } from '@kyc/dev-platform';

export type Rpc<Req, Res> = (req: Req, md: Metadata, opts: { deadline: number }, cb: (err: ServiceError | null, res: Res) => void) => unknown;

/** Unary methods of a generated grpc-js client as promises, each call with a deadline. */
export const unaryCalls =
  (client: Client, deadlineMs = 10_000) =>
  <Req, Res>(rpc: Rpc<Req, Res>) =>
  (req: Req) =>
    new Promise<Res>((resolve, reject) =>
      rpc.call(client, req, new Metadata(), { deadline: Date.now() + deadlineMs }, (err, res) => (err ? reject(err) : resolve(res))),
    );

/** A generated client of one of the platform's services, calling as another service (its certificate). */
export function clientAs<C extends Client>(
  platform: Platform,
  ClientClass: new (address: string, credentials: ChannelCredentials, options: ChannelOptions) => C,
  server: GrpcServiceName,
  caller: string,
): { client: C; call: ReturnType<typeof unaryCalls> } {
  const client = new ClientClass(platform.grpcTargets[server], platform.pki.credentialsFor(caller, server), platform.pki.channelOptions(server));
  return { client, call: unaryCalls(client) };
}
