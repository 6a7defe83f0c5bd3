/**
 * A local Alibaba Cloud SMS (dysmsapi 2017-05-25) speaking the RPC wire format notifier's SMS
 * adapter implements:
 *
 *   SendSms  PhoneNumbers, SignName, TemplateCode[, TemplateParam (a JSON object as a string), OutId]
 *            -> {Code:"OK", Message:"OK", BizId, RequestId}
 *            -> {Code:"isv.BUSINESS_LIMIT_CONTROL" | "isv.MOBILE_NUMBER_ILLEGAL" | ..., Message, RequestId}
 *
 * Business errors answer HTTP 200 with their Code, as dysmsapi does. Requests are signed and
 * checked (see alibaba-rpc-stub). Tests set, per mobile number, what it answers, and read the
 * messages it accepted.
 */
import { AlibabaRpcStub, RpcStubCredentials, randomCredentials, startAlibabaRpcStub } from './alibaba-rpc-stub';
import { HANG, Plans } from './stub-server';

/** Accept, answer a business error Code, hang, or answer an HTTP status. */
export type SmsBehaviour = 'ok' | { code: string } | typeof HANG | { status: number };

export interface SmsStubMessage {
  mobile: string;
  signName: string;
  templateCode: string;
  params: Record<string, string>;
  outId?: string;
  bizId: string;
}

export interface SmsStub {
  url: string;
  credentials: RpcStubCredentials;
  set(mobile: string, ...behaviours: SmsBehaviour[]): void;
  setDefault(behaviour: SmsBehaviour): void;
  /** SendSms requests that reached the API for a mobile (accepted or not). */
  attempts(mobile: string): number;
  /** Messages accepted (Code OK), for one mobile or all. */
  messages(mobile?: string): SmsStubMessage[];
  refusals(): string[];
  close(): Promise<void>;
}

export async function startSmsStub(credentials: RpcStubCredentials = randomCredentials()): Promise<SmsStub> {
  const plans = new Plans<SmsBehaviour>('ok');
  const sent: SmsStubMessage[] = [];
  const attempts = new Map<string, number>();
  const stub: AlibabaRpcStub = await startAlibabaRpcStub({
    version: '2017-05-25',
    credentials,
    actions: {
      SendSms: (p) => {
        const mobile = p.PhoneNumbers ?? '';
        attempts.set(mobile, (attempts.get(mobile) ?? 0) + 1);
        const refuse = (code: string, message: string) => ({ status: 200, body: { Code: code, Message: message } });
        if (!/^(\+?86)?1\d{10}$/.test(mobile)) return refuse('isv.MOBILE_NUMBER_ILLEGAL', '非法手机号');
        if (!p.SignName) return refuse('isv.SMS_SIGNATURE_ILLEGAL', '短信签名不合法');
        if (!p.TemplateCode) return refuse('isv.SMS_TEMPLATE_ILLEGAL', '短信模板不合法');
        let params: Record<string, string> = {};
        try {
          params = p.TemplateParam ? (JSON.parse(p.TemplateParam) as Record<string, string>) : {};
        } catch {
          return refuse('isv.INVALID_JSON_PARAM', 'JSON参数不合法，只接受字符串值');
        }
        const behaviour = plans.next(mobile);
        if (behaviour === HANG) return HANG;
        if (typeof behaviour === 'object') {
          return 'status' in behaviour ? { status: behaviour.status, body: { Code: 'isp.SYSTEM_ERROR', Message: 'stub failure' } } : refuse(behaviour.code, 'stub refusal');
        }
        const bizId = `${900000 + sent.length}^${Date.now()}`;
        sent.push({ mobile, signName: p.SignName, templateCode: p.TemplateCode, params, outId: p.OutId, bizId });
        return { status: 200, body: { Code: 'OK', Message: 'OK', BizId: bizId } };
      },
    },
  });
  return {
    url: stub.url,
    credentials,
    set: (mobile, ...b) => plans.set(mobile, ...b),
    setDefault: (b) => plans.setDefault(b),
    attempts: (mobile) => attempts.get(mobile) ?? 0,
    messages: (mobile) => (mobile === undefined ? [...sent] : sent.filter((m) => m.mobile === mobile)),
    refusals: stub.refusals,
    close: stub.close,
  };
}
