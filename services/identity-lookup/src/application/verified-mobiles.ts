/**
 * Use cases of verified mobiles: record the number a verification proved, and show a subject's
 * number masked. Per partner, like verified identities: a number proved by another subject of the
 * partner is a conflict naming that subject, and nothing is written.
 */
import { invalidArgument } from '@kyc/core';
import { checkVerifiedMobile, maskMobile, VerifiedMobile } from '../domain/verified-mobile';

export type MobileSaveOutcome = { saved: true } | { saved: false; holderSubjectId: string };

/** Where verified mobiles are kept (implemented by the Mongo adapter). */
export interface VerifiedMobileStore {
  findBySubject(partnerId: string, subjectId: string): Promise<VerifiedMobile | undefined>;
  /** The subject holding a number within a partner (nothing is decrypted). */
  subjectHoldingMobile(partnerId: string, mobile: string): Promise<string | undefined>;
  /** Writes the subject's one verified mobile; nothing when another subject holds the number (found or by a lost race). */
  save(mobile: VerifiedMobile): Promise<MobileSaveOutcome>;
  /** As VerifiedIdentityStore.transfer, for the subject's verified mobile. */
  transfer(partnerId: string, fromSubjectId: string, toSubjectId: string): Promise<boolean>;
}

const queryInvalid = (message: string) => invalidArgument('KYC.IDENTITY.QUERY_INVALID', message);

export type MobileRecordOutcome = { conflict: false } | { conflict: true; conflictingSubjectId: string };

export class VerifiedMobiles {
  constructor(private readonly store: VerifiedMobileStore) {}

  async record(proof: VerifiedMobile): Promise<MobileRecordOutcome> {
    const incoming = checkVerifiedMobile(proof);
    const current = await this.store.findBySubject(incoming.partnerId, incoming.subjectId);
    // A repeat of the recorded verification, or a late delivery of an older one, changes nothing.
    if (current && (current.verificationId === incoming.verificationId || current.verifiedAt > incoming.verifiedAt)) return { conflict: false };
    const holder = await this.store.subjectHoldingMobile(incoming.partnerId, incoming.mobile);
    if (holder && holder !== incoming.subjectId) return { conflict: true, conflictingSubjectId: holder };
    const outcome = await this.store.save(incoming);
    return outcome.saved ? { conflict: false } : { conflict: true, conflictingSubjectId: outcome.holderSubjectId };
  }

  /** The subject's verified number in clear (to send a code to it); undefined when none. */
  async numberOf(partnerId: string, subjectId: string): Promise<string | undefined> {
    return (await this.store.findBySubject(partnerId, subjectId))?.mobile;
  }

  /**
   * A verified number by exactly one of subject and number: its holder and the number masked;
   * undefined when none. A malformed number simply matches nothing.
   */
  async find(query: { partnerId: string; subjectId?: string; mobile?: string }): Promise<{ subjectId: string; maskedMobile: string } | undefined> {
    const subjectId = query.subjectId?.trim() ?? '';
    const mobile = query.mobile?.trim() ?? '';
    if (!query.partnerId) throw queryInvalid('partner_id is required');
    if (Boolean(subjectId) === Boolean(mobile)) throw queryInvalid('give exactly one of subject_id and mobile');
    const holder = subjectId || (await this.store.subjectHoldingMobile(query.partnerId, mobile));
    const found = holder ? await this.store.findBySubject(query.partnerId, holder) : undefined;
    return found ? { subjectId: found.subjectId, maskedMobile: maskMobile(found.mobile) } : undefined;
  }
}
