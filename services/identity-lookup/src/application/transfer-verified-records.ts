/**
 * Seed 003 MERGE, on identity-lookup's side: everything one subject of a partner verified (its
 * identity, its mobile) moves to another subject. Each record moves in one single-document update
 * conditioned on the old holder, so a crash between or during the moves never leaves both subjects,
 * or neither, holding a record; running it again after a crash moves what is left, and after it
 * completed moves nothing.
 */
import { invalidArgument } from '@kyc/core';
import { VerifiedIdentityStore } from './verified-identities';
import { VerifiedMobileStore } from './verified-mobiles';

export async function transferVerifiedRecords(
  stores: { identities: Pick<VerifiedIdentityStore, 'transfer'>; mobiles: Pick<VerifiedMobileStore, 'transfer'> },
  input: { partnerId: string; fromSubjectId: string; toSubjectId: string },
): Promise<{ identityMoved: boolean; mobileMoved: boolean }> {
  const { partnerId, fromSubjectId, toSubjectId } = input;
  if (!partnerId || !fromSubjectId || !toSubjectId) throw invalidArgument('KYC.IDENTITY.TRANSFER_INVALID', 'partner_id, from_subject_id and to_subject_id are required');
  if (fromSubjectId === toSubjectId) throw invalidArgument('KYC.IDENTITY.TRANSFER_INVALID', 'from_subject_id and to_subject_id must differ');
  const identityMoved = await stores.identities.transfer(partnerId, fromSubjectId, toSubjectId);
  const mobileMoved = await stores.mobiles.transfer(partnerId, fromSubjectId, toSubjectId);
  return { identityMoved, mobileMoved };
}
