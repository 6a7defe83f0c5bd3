/**
 * A local ID authority speaking the Alibaba Cloud Market ID-verification wire format that
 * realname-pattern's HTTP adapter implements (POST /verify/idcard and /verify/idcard-mobile,
 * form-encoded name/idcard/mobile, `Authorization: APPCODE <code>`, JSON answer with result.res
 * 1/2/3). Tests set what it answers per ID number and read what it saw.
 */
import { HANG, Plans, startStubServer } from './stub-server';

/** What the stub does with one request: answer a result, hang (never answer), or answer an HTTP status. */
export type IdAuthorityBehaviour = 'match' | 'mismatch' | 'no-record' | typeof HANG | { status: number };

const RES = { match: '1', mismatch: '2', 'no-record': '3' } as const;

export interface IdAuthorityCall {
  path: string;
  idNumber: string;
  name: string;
  mobile?: string;
  authorization: string;
}

export interface IdAuthorityStub {
  url: string;
  /** Behaviours for one ID number, used in turn; the last one repeats. */
  set(idNumber: string, ...behaviours: IdAuthorityBehaviour[]): void;
  /** What every ID number without its own behaviour gets (initially match). */
  setDefault(behaviour: IdAuthorityBehaviour): void;
  calls(idNumber?: string): IdAuthorityCall[];
  close(): Promise<void>;
}

export async function startIdAuthorityStub(): Promise<IdAuthorityStub> {
  const plans = new Plans<IdAuthorityBehaviour>('match');
  const seen: IdAuthorityCall[] = [];
  const server = await startStubServer((req) => {
    const form = new URLSearchParams(req.body);
    const call: IdAuthorityCall = {
      path: req.path,
      idNumber: form.get('idcard') ?? '',
      name: form.get('name') ?? '',
      mobile: form.get('mobile') ?? undefined,
      authorization: String(req.headers.authorization ?? ''),
    };
    seen.push(call);
    const behaviour = plans.next(call.idNumber);
    if (behaviour === HANG) return HANG;
    if (typeof behaviour === 'object') return { status: behaviour.status, body: { code: behaviour.status, message: 'stub failure' } };
    return {
      status: 200,
      body: { code: 0, message: '成功', result: { res: RES[behaviour], description: behaviour, orderNo: `stub-${seen.length}` } },
    };
  });
  return {
    url: server.url,
    set: (idNumber, ...behaviours) => plans.set(idNumber, ...behaviours),
    setDefault: (behaviour) => plans.setDefault(behaviour),
    calls: (idNumber) => (idNumber === undefined ? [...seen] : seen.filter((c) => c.idNumber === idNumber)),
    close: server.close,
  };
}
