/**
 * The SMS gateway: sends the short codes of seed 003's MOBILE and MERGE verifications (and any
 * other templated text message) to a mainland mobile number. Adapters: a real HTTP one (Alibaba
 * Cloud SMS) and a sandbox that sends nothing, chosen by SMS_MODE. Mobile numbers and codes are
 * personal data: errors and logs carry the number masked (180******11) and never the code.
 */
import { KycError, invalidArgument } from '@kyc/core';
import { providerErrorCodes } from '@kyc/provider-kit';

export interface SmsMessage {
  /** Mainland mobile number, 11 digits. */
  mobile: string;
  /** The gateway's approved template, e.g. SMS_153055065. */
  templateCode: string;
  /** The template's variables, e.g. { code: '123456' }. */
  params: Record<string, string>;
  /** The platform's reference of the message, handed back by the gateway's receipts. */
  outId?: string;
}

export interface SmsSent {
  /** The gateway's reference of the message (its BizId). */
  providerReference: string;
}

export interface SmsSender {
  /**
   * Sending is not idempotent: a message that may have reached the gateway is never sent again
   * here. Throws KYC.SMS.BAD_INPUT (invalid_argument) for a message the gateway cannot send,
   * KYC.SMS.RATE_LIMITED (resource_exhausted) when the gateway refuses more messages for now,
   * and a retriable KycError when it cannot answer.
   */
  send(message: SmsMessage): Promise<SmsSent>;
}

export const SMS_ERROR = {
  ...providerErrorCodes('SMS'),
  badInput: 'KYC.SMS.BAD_INPUT',
  rateLimited: 'KYC.SMS.RATE_LIMITED',
} as const;

/** 180******11: enough to tell numbers apart in a log, not enough to call one. */
export const maskMobile = (mobile: string): string =>
  mobile.length < 7 ? '*'.repeat(mobile.length) : `${mobile.slice(0, 3)}${'*'.repeat(mobile.length - 5)}${mobile.slice(-2)}`;

export const smsRateLimited = (message: string, retriable: boolean): KycError =>
  new KycError(SMS_ERROR.rateLimited, message, { kind: 'resource_exhausted', retriable });

/** Refuses a message the gateway would refuse, naming the field and never its value. */
export function checkSmsMessage(message: SmsMessage): void {
  const bad = (field: string, rule: string) => invalidArgument(SMS_ERROR.badInput, `sms: ${field} ${rule}`);
  if (!/^1\d{10}$/.test(message.mobile ?? '')) throw bad('mobile', 'must be an 11-digit mainland mobile number');
  if (!/^SMS_\d+$/.test(message.templateCode ?? '')) throw bad('templateCode', 'must be an approved template code (SMS_<digits>)');
  for (const [key, value] of Object.entries(message.params ?? {})) {
    if (typeof value !== 'string') throw bad(`params.${key}`, 'must be a string');
  }
  if (message.outId !== undefined && !/^[\w.:-]{1,256}$/.test(message.outId)) throw bad('outId', 'must be 1-256 letters, digits or _.:-');
}
