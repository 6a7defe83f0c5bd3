import { isKycError, Logger } from '@kyc/core';
import { maskMobile, SmsSender } from '../providers/sms/sms';

/** A code realname-pattern asks to send (kyc.mobile-code.v1 MobileCodeRequested), number and code sealed. */
export interface MobileCodeToSend {
  codeId: string;
  partnerId: string;
  mobileSealed: Uint8Array;
  codeSealed: Uint8Array;
  expiresAt?: Date;
}

/**
 * Sends seed 003 MOBILE's one-time codes through the SMS port. The number and the code are opened
 * here, for the one message, and never logged (the number masked, the code never). A code that
 * expired before it could be sent is dropped. Sending is not idempotent: a failure is logged and the
 * message not sent again (the person asks for a new code after the resend delay); a crash between
 * sending and recording the event as processed may send it twice, with the same code.
 */
export class MobileCodeMessages {
  constructor(
    private readonly deps: {
      sms: SmsSender;
      open: (sealed: Uint8Array, context: string) => string;
      templateCode: string;
      logger: Logger;
      now?: () => Date;
    },
  ) {}

  async deliver(e: MobileCodeToSend): Promise<void> {
    const { sms, open, templateCode, logger } = this.deps;
    if (!e.codeId) throw new Error('MobileCodeRequested lacks code_id');
    if (e.expiresAt && e.expiresAt.getTime() <= (this.deps.now?.() ?? new Date()).getTime()) {
      logger.warn({ codeId: e.codeId }, 'mobile code expired before it could be sent; dropped');
      return;
    }
    const mobile = open(e.mobileSealed, `mobile-code:${e.codeId}:mobile`);
    const code = open(e.codeSealed, `mobile-code:${e.codeId}:code`);
    try {
      const sent = await sms.send({ mobile, templateCode, params: { code }, outId: e.codeId });
      logger.info({ codeId: e.codeId, to: maskMobile(mobile), providerReference: sent.providerReference }, 'mobile code sent');
    } catch (err) {
      logger.warn({ codeId: e.codeId, to: maskMobile(mobile), err: isKycError(err) ? err.code : 'KYC.INTERNAL' }, 'mobile code not sent');
    }
  }
}
