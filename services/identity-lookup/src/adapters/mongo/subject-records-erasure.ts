import mongoose from 'mongoose';
import { invalidArgument } from '@kyc/core';
import { VerifiedIdentityStore } from '../../application/verified-identities';

/**
 * identity-lookup's share of a redaction: the subject's verified identity at the partner (sealed
 * fields and the ID number's blind index, through the store's per-subject serialization) and its
 * verified mobile (sealed number and blind index). Rosters are the partner's own imported data,
 * not the subject's, and are kept. A repeat erases nothing.
 */
export class SubjectRecordsErasure {
  constructor(
    private readonly identities: Pick<VerifiedIdentityStore, 'deleteSubject'>,
    private readonly mobiles: mongoose.mongo.Collection<mongoose.mongo.Document>,
  ) {}

  async erase(partnerId: string, subjectId: string): Promise<number> {
    if (!partnerId || !subjectId) throw invalidArgument('KYC.IDENTITY.QUERY_INVALID', 'partner_id and subject_id are required');
    const identity = (await this.identities.deleteSubject(partnerId, subjectId)) ? 1 : 0;
    const mobiles = (await this.mobiles.deleteMany({ partnerId, subjectId })).deletedCount;
    return identity + mobiles;
  }
}
