import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Logger, unavailable } from '@kyc/core';
import { SMS_ERROR, SmsMessage, SmsSender, SmsSent, checkSmsMessage, maskMobile, smsRateLimited } from './sms';

/**
 * Sends nothing. For `npm start`, integration tests and partners' test mode: the last message
 * (and so the last code) per mobile is kept in memory for whoever runs the test to read, and
 * fixed test numbers fail the way the real gateway can:
 *
 *   13800000001  the gateway refuses the message (KYC.SMS.REFUSED)
 *   13800000002  the gateway does not answer (KYC.SMS.TIMEOUT after the configured timeout)
 *   13800000003  the gateway rate-limits the number (KYC.SMS.RATE_LIMITED)
 *   any other    "sent"
 *
 * Partners use these numbers in test mode (SANDBOX_SMS_NUMBERS).
 *
 * Development only: with `outboxDir` (SMS_SANDBOX_DIR) each message "sent" is also written to
 * `<outboxDir>/<mobile>.json` ({templateCode, params, sentAt}), so that tests and `npm start` in
 * another process can read the code the person would have received. selectSms refuses that
 * setting in http mode: real codes are never written anywhere.
 */
export const SANDBOX_SMS_NUMBERS = { refused: '13800000001', hang: '13800000002', rateLimited: '13800000003' } as const;

export class SandboxSms implements SmsSender {
  private readonly last = new Map<string, SmsMessage>();

  constructor(private readonly opts: { timeoutMs: number; logger: Logger; outboxDir?: string }) {
    if (opts.outboxDir) mkdirSync(opts.outboxDir, { recursive: true });
  }

  async send(message: SmsMessage): Promise<SmsSent> {
    checkSmsMessage(message);
    const to = maskMobile(message.mobile);
    if (message.mobile === SANDBOX_SMS_NUMBERS.refused) throw unavailable(SMS_ERROR.refused, 'sms (sandbox): Code isv.SMS_TEMPLATE_ILLEGAL');
    if (message.mobile === SANDBOX_SMS_NUMBERS.hang) {
      await new Promise((r) => setTimeout(r, this.opts.timeoutMs));
      throw unavailable(SMS_ERROR.timeout, `sms (sandbox): no answer within ${this.opts.timeoutMs} ms`);
    }
    if (message.mobile === SANDBOX_SMS_NUMBERS.rateLimited) throw smsRateLimited(`sms (sandbox): the gateway takes no more messages to ${to} for now`, false);
    this.last.set(message.mobile, { ...message, params: { ...message.params } });
    if (this.opts.outboxDir) {
      const sent = { templateCode: message.templateCode, params: message.params, sentAt: new Date().toISOString() };
      writeFileSync(path.join(this.opts.outboxDir, `${message.mobile}.json`), JSON.stringify(sent), { mode: 0o600 });
    }
    this.opts.logger.info({ to, templateCode: message.templateCode }, 'sms (sandbox): not sent, kept as the last message to this number');
    return { providerReference: `sandbox-${randomUUID()}` };
  }

  /** The last message "sent" to a mobile. */
  lastMessage(mobile: string): SmsMessage | undefined {
    return this.last.get(mobile);
  }

  /** The `code` variable of the last message to a mobile: what a test types in as the person would. */
  lastCode(mobile: string): string | undefined {
    return this.last.get(mobile)?.params.code;
  }
}
