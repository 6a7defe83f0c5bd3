/**
 * Use cases of the verified identity registry: record what a verification proved, tell whether an
 * ID number is free for a subject, and find a partner's identity by subject or by ID number.
 * Everything is per partner: one partner never sees, nor collides with, another's subjects.
 */
import { invalidArgument } from '@kyc/core';
import { normalizeIdNumber, parseIdNumber } from '../domain/id-card';
import { RegionCatalog } from '../domain/regions';
import { decideRecord, deriveVerifiedIdentity, DocumentType, VerifiedIdentity, VerifiedIdentityProof } from '../domain/verified-identity';

export type SaveOutcome = { saved: true } | { saved: false; holderSubjectId: string };

/** Where verified identities are kept (implemented by the Mongo adapter). */
export interface VerifiedIdentityStore {
  findBySubject(partnerId: string, subjectId: string): Promise<VerifiedIdentity | undefined>;
  /** By a document number: a resident ID or passport number unless `documentType` says roster-member. */
  findByIdNumber(partnerId: string, idNumber: string, documentType?: DocumentType): Promise<VerifiedIdentity | undefined>;
  /** The subject that holds a verified ID number (default: resident ID; or passport) within a partner (nothing is decrypted). */
  subjectHoldingIdNumber(partnerId: string, idNumber: string, documentType?: DocumentType): Promise<string | undefined>;
  /**
   * Writes the subject's one current identity. When another subject holds the ID number (found
   * here or by losing a race on the store's uniqueness), nothing is written.
   */
  save(identity: VerifiedIdentity): Promise<SaveOutcome>;
  /** Runs `fn` with no other write of this subject's record interleaved, in this process. */
  serializeSubject<T>(partnerId: string, subjectId: string, fn: () => Promise<T>): Promise<T>;
  deleteSubject(partnerId: string, subjectId: string): Promise<boolean>;
  /**
   * Moves a subject's record to another subject of the partner in one single-document update
   * conditioned on the old holder (the new subject's own record is removed first); false when
   * there was none to move (never, or already moved).
   */
  transfer(partnerId: string, fromSubjectId: string, toSubjectId: string): Promise<boolean>;
}

export type RecordOutcome = { conflict: false; identity: VerifiedIdentity } | { conflict: true; conflictingSubjectId: string };

export type IdentityQuery = { partnerId: string; subjectId?: string; idNumber?: string; documentType?: DocumentType };

const queryInvalid = (message: string) => invalidArgument('KYC.IDENTITY.QUERY_INVALID', message);

export class VerifiedIdentities {
  constructor(
    private readonly store: VerifiedIdentityStore,
    private readonly regions: RegionCatalog,
  ) {}

  async record(proof: VerifiedIdentityProof): Promise<RecordOutcome> {
    const incoming = deriveVerifiedIdentity(proof, this.regions);
    return this.store.serializeSubject(incoming.partnerId, incoming.subjectId, async () => {
      const current = await this.store.findBySubject(incoming.partnerId, incoming.subjectId);
      const decision = decideRecord(current, incoming);
      if (decision !== 'write') return { conflict: false, identity: current! };
      const holder = await this.store.subjectHoldingIdNumber(incoming.partnerId, incoming.idNumber, incoming.documentType);
      if (holder && holder !== incoming.subjectId) return { conflict: true, conflictingSubjectId: holder };
      const outcome = await this.store.save(incoming);
      if (!outcome.saved) return { conflict: true, conflictingSubjectId: outcome.holderSubjectId };
      return { conflict: false, identity: incoming };
    });
  }

  /** Free when no subject of the partner, or only this one, has verified the number. */
  async checkIdNumberAvailable(
    partnerId: string,
    subjectId: string,
    idNumber: string,
  ): Promise<{ available: boolean; conflictingSubjectId: string }> {
    if (!partnerId || !subjectId) throw queryInvalid('partner_id and subject_id are required');
    parseIdNumber(idNumber);
    const holder = await this.store.subjectHoldingIdNumber(partnerId, normalizeIdNumber(idNumber));
    return holder && holder !== subjectId ? { available: false, conflictingSubjectId: holder } : { available: true, conflictingSubjectId: '' };
  }

  /** By exactly one of subject and ID number; a malformed number simply matches nothing. */
  async find(query: IdentityQuery): Promise<VerifiedIdentity | undefined> {
    const subjectId = query.subjectId?.trim() ?? '';
    const idNumber = normalizeIdNumber(query.idNumber ?? '');
    if (!query.partnerId) throw queryInvalid('partner_id is required');
    if (Boolean(subjectId) === Boolean(idNumber)) throw queryInvalid('give exactly one of subject_id and id_number');
    if (subjectId) return this.store.findBySubject(query.partnerId, subjectId);
    // Member ids are case-sensitive; document numbers are compared upper-cased.
    const number = query.documentType === 'roster-member' ? (query.idNumber ?? '').trim() : idNumber;
    return this.store.findByIdNumber(query.partnerId, number, query.documentType);
  }

  /** Forgets a subject's verified identity (a partner's deletion request); true if there was one. */
  deleteSubject(partnerId: string, subjectId: string): Promise<boolean> {
    return this.store.deleteSubject(partnerId, subjectId);
  }
}
