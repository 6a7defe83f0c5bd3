/**
 * A local ID authority speaking the Alibaba Cloud Market ID-verification wire format that
 * realname-pattern's HTTP adapter implements (POST /verify/idcard and /verify/idcard-mobile,
 * form-encoded name/idcard/mobile, `Authorization: APPCODE <code>`, JSON answer with result.res
 * 1/2/3). Tests set what it answers per ID number and read what it saw.
 */
import http from 'node:http';
import { AddressInfo } from 'node:net';

/** What the stub does with one request: answer a result, hang (never answer), or answer an HTTP status. */
export type StubBehaviour = 'match' | 'mismatch' | 'no-record' | 'hang' | { status: number };

const RES = { match: '1', mismatch: '2', 'no-record': '3' } as const;

export interface StubCall {
  path: string;
  idNumber: string;
  name: string;
  mobile?: string;
  authorization: string;
}

export interface IdAuthorityStub {
  url: string;
  /** Behaviours for one ID number, used in turn; the last one repeats. */
  set(idNumber: string, ...behaviours: StubBehaviour[]): void;
  /** What every ID number without its own behaviour gets (initially match). */
  setDefault(behaviour: StubBehaviour): void;
  calls(idNumber?: string): StubCall[];
  close(): Promise<void>;
}

export async function startIdAuthorityStub(): Promise<IdAuthorityStub> {
  const plans = new Map<string, StubBehaviour[]>();
  let fallback: StubBehaviour = 'match';
  const seen: StubCall[] = [];
  const hanging = new Set<http.ServerResponse>();

  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const form = new URLSearchParams(body);
      const call: StubCall = {
        path: req.url ?? '',
        idNumber: form.get('idcard') ?? '',
        name: form.get('name') ?? '',
        mobile: form.get('mobile') ?? undefined,
        authorization: String(req.headers.authorization ?? ''),
      };
      seen.push(call);
      const plan = plans.get(call.idNumber);
      const behaviour = plan ? (plan.length > 1 ? plan.shift()! : plan[0]) : fallback;
      if (behaviour === 'hang') {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      if (typeof behaviour === 'object') {
        res.writeHead(behaviour.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: behaviour.status, message: 'stub failure' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(
        JSON.stringify({
          code: 0,
          message: '成功',
          result: { res: RES[behaviour], description: behaviour, orderNo: `stub-${seen.length}` },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    set: (idNumber, ...behaviours) => void plans.set(idNumber, behaviours),
    setDefault: (behaviour) => void (fallback = behaviour),
    calls: (idNumber) => (idNumber === undefined ? [...seen] : seen.filter((c) => c.idNumber === idNumber)),
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
