/**
 * identity-lookup's verified identity registry, called over gRPC as the platform's services call
 * it: realname-pattern records what a verification proved, the gateway looks identities up for
 * partners (seed 004) and validates numbers. Kept per partner, encrypted at rest.
 */
import { ServiceError, status } from '@grpc/grpc-js';
import { identity } from '@kyc/contracts';
import { Platform } from '@kyc/dev-platform';
import { createLogger } from '@kyc/core';
import { ERROR_CODE_KEY } from '@kyc/grpc-kit';
import { connectMongo } from '@kyc/mongo-kit';
import { masterKeyFromHex, PiiCipher } from '@kyc/pii-crypto';
import { VerifiedIdentityRepository } from '../../services/identity-lookup/src/adapters/mongo/verified-identity-repository';
import { bootPlatform, infra, withMongo } from '../support/fixtures';
import { idNumber } from '../support/identities';
import { clientAs } from '../support/unary-calls';

let platform: Platform;
const clients: identity.IdentityLookupServiceClient[] = [];

beforeAll(async () => {
  platform = await bootPlatform('verifiedids');
});
afterAll(async () => {
  for (const c of clients) c.close();
  await platform?.stop();
});

/** identity-lookup as seen by one platform service (its certificate). */
function as(caller: 'realname-pattern' | 'gateway') {
  const { client, call } = clientAs(platform, identity.IdentityLookupServiceClient, 'identity-lookup', caller);
  clients.push(client);
  return {
    record: call<identity.RecordVerifiedIdentityRequest, identity.RecordVerifiedIdentityResponse>(client.recordVerifiedIdentity),
    find: (query: Omit<identity.FindVerifiedIdentityRequest, 'documentType'> & Partial<identity.FindVerifiedIdentityRequest>) =>
      call<identity.FindVerifiedIdentityRequest, identity.FindVerifiedIdentityResponse>(client.findVerifiedIdentity)({ documentType: identity.DocumentType.DOCUMENT_TYPE_UNSPECIFIED, ...query }),
    available: call<identity.CheckIdNumberAvailableRequest, identity.CheckIdNumberAvailableResponse>(client.checkIdNumberAvailable),
    validate: call<identity.ValidateIdNumberRequest, identity.ValidateIdNumberResponse>(client.validateIdNumber),
  };
}

let seq = 0;
const proof = (partnerId: string, subjectId: string, id: string, over: Partial<identity.RecordVerifiedIdentityRequest> = {}): identity.RecordVerifiedIdentityRequest => ({
  partnerId,
  subjectId,
  name: '赵崇文',
  idNumber: id,
  documentValidFrom: '2016-05-01',
  documentValidTo: '2036-05-01',
  cardFrontPhotoId: 'photo-front-1',
  cardBackPhotoId: 'photo-back-1',
  method: 'MANUAL_REVIEW',
  verificationId: `ver-${++seq}`,
  verifiedAt: new Date(),
  documentType: identity.DocumentType.DOCUMENT_TYPE_UNSPECIFIED,
  birthDate: '',
  gender: '',
  nationality: '',
  ...over,
});

const errorOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    return err as ServiceError;
  }
  throw new Error('the call succeeded');
};

describe('verified identities over gRPC', () => {
  it('when realname-pattern records an identity with a revoked region, then the gateway finds it by subject and by ID number with derived facts', async () => {
    const id = idNumber('110103', '19850612', 123);
    const recorded = await as('realname-pattern').record(proof('partner-a', 'subject-1', id));
    expect(recorded.conflict).toBe(false);

    const gateway = as('gateway');
    const bySubject = await gateway.find({ partnerId: 'partner-a', subjectId: 'subject-1', idNumber: '' });
    const byNumber = await gateway.find({ partnerId: 'partner-a', subjectId: '', idNumber: id });
    for (const found of [bySubject, byNumber]) {
      expect(found.found).toBe(true);
      expect(found.identity).toMatchObject({
        partnerId: 'partner-a',
        subjectId: 'subject-1',
        name: '赵崇文',
        idNumber: id,
        birthDate: '1985-06-12',
        gender: 'M',
        regionCode: '110103',
        address: '北京市崇文区',
        documentValidFrom: '2016-05-01',
        documentValidTo: '2036-05-01',
        cardFrontPhotoId: 'photo-front-1',
        method: 'MANUAL_REVIEW',
      });
    }
  });

  it('when a passport is recorded, then it is found by its number with the approved facts, sealed at rest, and it never answers for a resident ID query of another partner', async () => {
    const passport = { documentType: identity.DocumentType.DOCUMENT_TYPE_PASSPORT, birthDate: '1979-11-02', gender: 'F', nationality: 'Österreich' };
    const recorded = await as('realname-pattern').record(proof('partner-p', 'traveller', ' p 1234567 ', { name: "Marie-Luise O'Neil", ...passport }));
    expect(recorded).toMatchObject({ conflict: false, identity: { idNumber: 'P1234567', documentType: identity.DocumentType.DOCUMENT_TYPE_PASSPORT } });

    const found = await as('gateway').find({ partnerId: 'partner-p', subjectId: '', idNumber: 'p1234567' });
    expect(found.identity).toMatchObject({ subjectId: 'traveller', name: "Marie-Luise O'Neil", idNumber: 'P1234567', birthDate: '1979-11-02', gender: 'F', nationality: 'Österreich', regionCode: '', address: '' });
    expect((await as('gateway').find({ partnerId: 'partner-q', subjectId: '', idNumber: 'P1234567' })).found).toBe(false);

    const doc = await withMongo((client) => client.db(platform.dbName('identity-lookup')).collection('verified_identities').findOne({ subjectId: 'traveller' }));
    const stored = JSON.stringify(doc);
    for (const secret of ['Marie-Luise', 'P1234567', '1979-11-02', 'Österreich', 'passport']) expect(stored).not.toContain(secret);

    const missing = await errorOf(as('realname-pattern').record(proof('partner-p', 'no-birth', 'P7654321', { ...passport, birthDate: '' })));
    expect(missing.code).toBe(status.INVALID_ARGUMENT);
  });

  it('when an identity is stored, then its document holds neither the name, the ID number nor the facts derived from it in clear', async () => {
    const id = idNumber('110104', '19770304', 123);
    await as('realname-pattern').record(proof('partner-a', 'subject-clear', id, { name: '孙宣武' }));
    const doc = await withMongo((client) =>
      client.db(platform.dbName('identity-lookup')).collection('verified_identities').findOne({ subjectId: 'subject-clear' }),
    );
    expect(doc).not.toBeNull();
    const stored = JSON.stringify(doc);
    for (const secret of ['孙宣武', id, id.slice(0, 17), '1977-03-04', '19770304', '宣武区']) expect(stored).not.toContain(secret);
  });

  it('when another subject of the same partner records the same number, then it is a conflict naming the holder and nothing is recorded', async () => {
    const id = idNumber('110101', '19900307', 123);
    const rp = as('realname-pattern');
    expect((await rp.record(proof('partner-b', 'holder', id))).conflict).toBe(false);

    const second = await rp.record(proof('partner-b', 'latecomer', id));
    expect(second).toMatchObject({ conflict: true, conflictingSubjectId: 'holder' });
    expect((await as('gateway').find({ partnerId: 'partner-b', subjectId: 'latecomer', idNumber: '' })).found).toBe(false);
    expect(await rp.available({ partnerId: 'partner-b', subjectId: 'latecomer', idNumber: id })).toEqual({ available: false, conflictingSubjectId: 'holder' });
    expect(await rp.available({ partnerId: 'partner-b', subjectId: 'holder', idNumber: id })).toEqual({ available: true, conflictingSubjectId: '' });
  });

  it('when the same number is verified under another partner, then it is recorded there and neither partner sees the other\'s subject', async () => {
    const id = idNumber('370102', '19881111', 123);
    const rp = as('realname-pattern');
    expect((await rp.record(proof('partner-c', 'c-user', id))).conflict).toBe(false);
    expect((await rp.record(proof('partner-d', 'd-user', id))).conflict).toBe(false);

    const gateway = as('gateway');
    expect((await gateway.find({ partnerId: 'partner-c', subjectId: '', idNumber: id })).identity?.subjectId).toBe('c-user');
    expect((await gateway.find({ partnerId: 'partner-d', subjectId: '', idNumber: id })).identity?.subjectId).toBe('d-user');
    expect((await gateway.find({ partnerId: 'partner-c', subjectId: 'd-user', idNumber: '' })).found).toBe(false);
    expect((await gateway.find({ partnerId: 'partner-e', subjectId: '', idNumber: id })).found).toBe(false);
  });

  it('when several subjects record the same number at once, then exactly one wins and the others are told who', async () => {
    const rp = as('realname-pattern');
    // Several numbers contested at once, so the lookups and writes of the contenders interleave.
    const rounds = await Promise.all(
      [101, 102, 103, 104, 105, 106].map(async (n) => {
        const id = idNumber('440305', '19950101', n);
        const subjects = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6'].map((s) => `${s}-${n}`);
        return { id, outcomes: await Promise.all(subjects.map((s) => rp.record(proof('partner-race', s, id)))) };
      }),
    );
    for (const { id, outcomes } of rounds) {
      const winners = outcomes.filter((o) => !o.conflict);
      expect(winners).toHaveLength(1);
      const winner = winners[0].identity!.subjectId;
      for (const o of outcomes.filter((x) => x.conflict)) expect(o.conflictingSubjectId).toBe(winner);
      expect((await as('gateway').find({ partnerId: 'partner-race', subjectId: '', idNumber: id })).identity?.subjectId).toBe(winner);
    }
  });

  it('when a subject re-verifies with another number, then the latest proof replaces the old one and the old number is free', async () => {
    const first = idNumber('110101', '19800101', 123);
    const second = idNumber('110101', '19800101', 125);
    const rp = as('realname-pattern');
    await rp.record(proof('partner-f', 'mover', first, { verifiedAt: new Date(Date.now() - 60_000) }));
    const again = await rp.record(proof('partner-f', 'mover', second));
    expect(again.identity?.idNumber).toBe(second);
    expect((await as('gateway').find({ partnerId: 'partner-f', subjectId: 'mover', idNumber: '' })).identity?.idNumber).toBe(second);
    expect((await rp.record(proof('partner-f', 'newcomer', first))).conflict).toBe(false);
  });

  it('when the same verification is recorded twice, then the second call changes nothing', async () => {
    const id = idNumber('110101', '19700101', 123);
    const rp = as('realname-pattern');
    const request = proof('partner-g', 'twice', id);
    await rp.record(request);
    const repeat = await rp.record({ ...request, name: '另一个' });
    expect(repeat).toMatchObject({ conflict: false, identity: { name: '赵崇文', verificationId: request.verificationId } });
  });

  it('when the gateway tries to record an identity, then it is refused: only realname-pattern writes the registry', async () => {
    const err = await errorOf(as('gateway').record(proof('partner-h', 'forged', idNumber('110101', '19900307', 123))));
    expect(err.code).toBe(status.PERMISSION_DENIED);
    expect(err.metadata.get(ERROR_CODE_KEY)[0]).toBe('KYC.GRPC.CALLER_NOT_ALLOWED');
    expect((await as('gateway').find({ partnerId: 'partner-h', subjectId: 'forged', idNumber: '' })).found).toBe(false);
  });

  it('when a lookup gives both or neither of subject and number, then it is INVALID_ARGUMENT KYC.IDENTITY.QUERY_INVALID', async () => {
    const gateway = as('gateway');
    for (const q of [
      { partnerId: 'partner-a', subjectId: '', idNumber: '' },
      { partnerId: 'partner-a', subjectId: 'subject-1', idNumber: idNumber('110103', '19850612', 123) },
    ]) {
      const err = await errorOf(gateway.find(q));
      expect(err.code).toBe(status.INVALID_ARGUMENT);
      expect(err.metadata.get(ERROR_CODE_KEY)[0]).toBe('KYC.IDENTITY.QUERY_INVALID');
    }
  });

  it('when the gateway validates a number, then it gets gender and the 户籍地址, historic codes included', async () => {
    const gateway = as('gateway');
    expect(await gateway.validate({ idNumber: idNumber('110104', '19920202', 124), name: '' })).toMatchObject({
      valid: true,
      gender: 'F',
      address: '北京市宣武区',
      regionCode: '110104',
    });
    expect(await gateway.validate({ idNumber: idNumber('110199', '19920202', 123), name: '' })).toMatchObject({ valid: true, address: '' });
  });

  it("when a subject's identity is deleted, then it is no longer found and its number is free again", async () => {
    const id = idNumber('110101', '19660606', 123);
    const rp = as('realname-pattern');
    await rp.record(proof('partner-del', 'leaver', id));

    const conn = await connectMongo(infra().mongoUrl, platform.dbName('identity-lookup'), createLogger('verified-identities-test', 'silent'));
    try {
      const repository = new VerifiedIdentityRepository(conn, new PiiCipher(masterKeyFromHex(platform.masterKey)));
      expect(await repository.deleteSubject('partner-del', 'leaver')).toBe(true);
      expect(await repository.deleteSubject('partner-del', 'leaver')).toBe(false);
    } finally {
      await conn.close();
    }
    expect((await as('gateway').find({ partnerId: 'partner-del', subjectId: '', idNumber: id })).found).toBe(false);
    expect((await rp.record(proof('partner-del', 'successor', id))).conflict).toBe(false);
  });
});
