/**
 * What every provider stub shares: a real HTTP server on 127.0.0.1 (port 0), the request body
 * read whole, answers that hang until the stub closes, and behaviours planned per key (an ID
 * number, a mobile number) that tests set and the stub uses in turn.
 */
import http from 'node:http';
import { AddressInfo } from 'node:net';

export interface StubRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Never answer (the caller's timeout is what is under test). */
export const HANG = 'hang';

export interface StubReply {
  status: number;
  body: unknown;
}

export interface StubServer {
  url: string;
  close(): Promise<void>;
}

/** Starts a server answering each request with what `handle` returns (a reply, or HANG). */
export async function startStubServer(handle: (req: StubRequest) => StubReply | typeof HANG): Promise<StubServer> {
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      let reply: StubReply | typeof HANG;
      try {
        reply = handle({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      } catch (err) {
        reply = { status: 500, body: { stubError: (err as Error).message } };
      }
      if (reply === HANG) {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Behaviours per key, used in turn; the last one repeats. Keys without a plan get the default. */
export class Plans<B> {
  private readonly byKey = new Map<string, B[]>();

  constructor(private fallback: B) {}

  set(key: string, ...behaviours: B[]): void {
    if (behaviours.length === 0) throw new Error('set needs at least one behaviour');
    this.byKey.set(key, behaviours);
  }

  setDefault(behaviour: B): void {
    this.fallback = behaviour;
  }

  next(key: string): B {
    const plan = this.byKey.get(key);
    if (!plan) return this.fallback;
    return plan.length > 1 ? plan.shift()! : plan[0];
  }
}
