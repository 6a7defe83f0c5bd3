import { randomUUID, timingSafeEqual } from 'node:crypto';
import { Logger } from '@kyc/core';
import { generateMobileCode, MOBILE_RESULT, MobileCodeRules, mobileCodeRateLimited, StoredMobileCode, usableOrWhyNot } from '../domain/mobile-code';
import { mainlandMobile } from '../domain/mobile-number';

/** What the notifier is asked to send, sealed so that only it can read the number and the code. */
export interface MobileCodeRequested {
  codeId: string;
  partnerId: string;
  mobileSealed: Buffer;
  codeSealed: Buffer;
  expiresAt: Date;
}

/** Where codes are kept (beside the verifications); the code row and its event are one write. */
export interface MobileCodeStore {
  countSince(filter: { mobileIndex: string } | { partnerId: string; subjectId: string }, since: Date): Promise<number>;
  latestToNumber(mobileIndex: string): Promise<StoredMobileCode | undefined>;
  /** The latest MOBILE code (no purpose) sent to this number for this user. */
  latestFor(partnerId: string, subjectId: string, mobileIndex: string): Promise<StoredMobileCode | undefined>;
  /** The latest code of a purpose (a MERGE's) sent for this user, whatever the number. */
  latestForPurpose(partnerId: string, subjectId: string, purpose: string): Promise<StoredMobileCode | undefined>;
  insert(code: StoredMobileCode, event: MobileCodeRequested, correlationId: string): Promise<void>;
  /** Counts one attempt unless the code is used or out of attempts; false when it was not counted. */
  countAttempt(id: string, maxAttempts: number): Promise<boolean>;
  /** Marks the code used; false when it already was. */
  consume(id: string, now: Date): Promise<boolean>;
}

/** Keyed hashing and sealing (PiiCipher): the number's blind index, the code's hash, the event's sealed fields. */
export interface MobileCodeCrypto {
  mobileIndex(mobile: string): string;
  codeHash(codeId: string, code: string): string;
  seal(codeId: string, mobile: string, code: string): { mobileSealed: Buffer; codeSealed: Buffer };
}

export type MobileCodeCheck = { ok: true; codeId: string } | { ok: false; resultCode: string };

/**
 * Seed 003 MOBILE's codes: `send` validates the number (libphonenumber-js/max), applies the rate
 * limits, and stores the code's hash with MobileCodeRequested in the same write (the notifier sends
 * it; a crash after the write loses nothing). `check` spends one attempt and accepts a code once.
 */
export class MobileCodes {
  constructor(
    private readonly deps: { store: MobileCodeStore; crypto: MobileCodeCrypto; rules: MobileCodeRules; logger: Logger; now?: () => Date },
  ) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  async send(input: {
    partnerId: string;
    subjectId: string;
    mobile: string;
    correlationId: string;
    /** A code that confirms something else than the number (see StoredMobileCode.purpose). */
    purpose?: string;
  }): Promise<{ expiresInSeconds: number; resendInSeconds: number }> {
    const { store, crypto, rules } = this.deps;
    const mobile = mainlandMobile(input.mobile);
    const mobileIndex = crypto.mobileIndex(mobile);
    const now = this.now();
    const since = new Date(now.getTime() - rules.rateWindowMs);
    const last = await store.latestToNumber(mobileIndex);
    const wait = last ? last.createdAt.getTime() + rules.resendAfterMs - now.getTime() : 0;
    if (wait > 0) throw mobileCodeRateLimited('a code was sent to this number moments ago', wait);
    if ((await store.countSince({ mobileIndex }, since)) >= rules.maxPerNumber) throw mobileCodeRateLimited('too many codes to this number', rules.rateWindowMs);
    if ((await store.countSince({ partnerId: input.partnerId, subjectId: input.subjectId }, since)) >= rules.maxPerSubject) {
      throw mobileCodeRateLimited('too many codes asked for by this user', rules.rateWindowMs);
    }
    const id = randomUUID();
    const code = generateMobileCode();
    const expiresAt = new Date(now.getTime() + rules.ttlMs);
    await store.insert(
      { id, partnerId: input.partnerId, subjectId: input.subjectId, mobileIndex, codeHash: crypto.codeHash(id, code), createdAt: now, expiresAt, attempts: 0, purpose: input.purpose },
      { codeId: id, partnerId: input.partnerId, ...crypto.seal(id, mobile, code), expiresAt },
      input.correlationId,
    );
    this.deps.logger.info({ codeId: id, subjectId: input.subjectId }, 'mobile code requested');
    return { expiresInSeconds: Math.floor(rules.ttlMs / 1000), resendInSeconds: Math.ceil(rules.resendAfterMs / 1000) };
  }

  /** The latest code sent to this number for this user, against what the user typed. */
  async check(input: { partnerId: string; subjectId: string; mobile: string; code: string }): Promise<MobileCodeCheck> {
    const mobile = mainlandMobile(input.mobile);
    return this.spend(await this.deps.store.latestFor(input.partnerId, input.subjectId, this.deps.crypto.mobileIndex(mobile)), input.code);
  }

  /** The latest code of this purpose sent for this user (seed 003 MERGE), against what the user typed. */
  async checkPurpose(input: { partnerId: string; subjectId: string; purpose: string; code: string }): Promise<MobileCodeCheck> {
    return this.spend(await this.deps.store.latestForPurpose(input.partnerId, input.subjectId, input.purpose), input.code);
  }

  /** Spends one attempt at a stored code; the right code is accepted once. */
  private async spend(stored: StoredMobileCode | undefined, typed: string): Promise<MobileCodeCheck> {
    const { store, crypto, rules } = this.deps;
    const now = this.now();
    const why = usableOrWhyNot(stored, now, rules.maxAttempts);
    if (why || !stored) return { ok: false, resultCode: why ?? MOBILE_RESULT.noCode };
    if (!(await store.countAttempt(stored.id, rules.maxAttempts))) return { ok: false, resultCode: MOBILE_RESULT.tooManyAttempts };
    const given = Buffer.from(crypto.codeHash(stored.id, typed));
    const expected = Buffer.from(stored.codeHash);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, resultCode: MOBILE_RESULT.wrongCode };
    if (!(await store.consume(stored.id, now))) return { ok: false, resultCode: MOBILE_RESULT.noCode };
    return { ok: true, codeId: stored.id };
  }
}
