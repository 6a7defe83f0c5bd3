/**
 * SMS over Alibaba Cloud SMS (dysmsapi, API version 2017-05-25), RPC style and signed by
 * @kyc/provider-kit (POST, every parameter in the form body, none in the URL):
 *
 *   SendSms  PhoneNumbers, SignName, TemplateCode, TemplateParam (the variables as a JSON
 *            object), OutId
 *            -> {RequestId, Code:"OK", Message:"OK", BizId}   sent; BizId is the reference
 *            -> {RequestId, Code:"isv.…", Message}             not sent, HTTP 200 all the same
 *
 *   isv.BUSINESS_LIMIT_CONTROL, isv.DAY_LIMIT_CONTROL   RATE_LIMITED, not retriable: this number
 *                                                       (or the day's quota) had enough for now
 *   Throttling.*                                        RATE_LIMITED, retriable: calls per second
 *   isv.MOBILE_NUMBER_ILLEGAL, isv.MOBILE_COUNT_OVER_LIMIT, isv.INVALID_JSON_PARAM,
 *   isv.INVALID_PARAMETERS                              BAD_INPUT
 *   anything else                                       REFUSED (signature, account, template)
 *
 * Sending is not idempotent: only a refused connection is retried (nothing was sent). After a
 * timeout, a dropped connection or a 5xx the message may be on its way; the caller decides
 * whether the person asks for a new code. Mobiles appear masked in errors, codes nowhere.
 */
import { Logger, invalidArgument } from '@kyc/core';
import { AlibabaCredentials, AlibabaRpcClient, ProviderClientSettings, requireSettings } from '@kyc/provider-kit';
import { SMS_ERROR, SmsMessage, SmsSender, SmsSent, checkSmsMessage, maskMobile, smsRateLimited } from './sms';

/** What the adapter needs besides the common provider settings (SMS_URL, credentials, SMS_SIGN_NAME). */
export interface DysmsSettings extends AlibabaCredentials {
  /** e.g. https://dysmsapi.aliyuncs.com */
  url: string;
  /** The approved signature (签名) every message carries. */
  signName: string;
}

export interface HttpSmsOptions extends ProviderClientSettings, DysmsSettings {
  logger: Logger;
  /** Every send's outcome (for metrics): sent, error, breaker-open. */
  onResult?(result: string, operation: string): void;
}

const LIMITED = new Set(['isv.BUSINESS_LIMIT_CONTROL', 'isv.DAY_LIMIT_CONTROL']);
const BAD_INPUT = new Set(['isv.MOBILE_NUMBER_ILLEGAL', 'isv.MOBILE_COUNT_OVER_LIMIT', 'isv.INVALID_JSON_PARAM', 'isv.INVALID_PARAMETERS']);

export class HttpSms implements SmsSender {
  private readonly rpc: AlibabaRpcClient;

  constructor(private readonly opts: HttpSmsOptions) {
    requireSettings(opts, { url: 'SMS_URL', accessKeyId: 'SMS_ACCESS_KEY_ID', accessKeySecret: 'SMS_ACCESS_KEY_SECRET', signName: 'SMS_SIGN_NAME' }, 'SMS_MODE=http');
    this.rpc = new AlibabaRpcClient({ ...opts, name: 'sms', errors: SMS_ERROR, version: '2017-05-25' });
  }

  async send(message: SmsMessage): Promise<SmsSent> {
    checkSmsMessage(message);
    const to = maskMobile(message.mobile);
    return this.rpc.call({
      action: 'SendSms',
      idempotent: false,
      params: {
        PhoneNumbers: message.mobile,
        SignName: this.opts.signName,
        TemplateCode: message.templateCode,
        TemplateParam: JSON.stringify(message.params),
        ...(message.outId ? { OutId: message.outId } : {}),
      },
      interpret: (answer) => {
        const code = String(answer.body.Code ?? '');
        if (answer.status === 200 && code === 'OK') {
          const bizId = answer.body.BizId;
          if (typeof bizId !== 'string' || !bizId) throw this.rpc.client.badAnswer('SendSms: answer has no BizId');
          return { providerReference: bizId };
        }
        if (LIMITED.has(code)) throw smsRateLimited(`sms: the gateway takes no more messages to ${to} for now (${code})`, false);
        if (code.startsWith('Throttling')) throw smsRateLimited(`sms: the gateway is throttling calls (${code})`, true);
        if (BAD_INPUT.has(code)) throw invalidArgument(SMS_ERROR.badInput, `sms: the gateway will not send this message to ${to} (${code})`);
        throw this.rpc.refused('SendSms', answer);
      },
      outcome: () => 'sent',
    });
  }

  shutdown(): void {
    this.rpc.shutdown();
  }
}
