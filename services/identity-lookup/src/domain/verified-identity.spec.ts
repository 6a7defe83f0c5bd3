import { checkCharacter } from './id-card';
import { RegionCatalog } from './regions';
import { decideRecord, deriveVerifiedIdentity, VerifiedIdentityProof } from './verified-identity';

const idNumber = (body17: string) => body17 + checkCharacter(body17);
const regions = new RegionCatalog([
  {
    label: 'test',
    provinces: new Map([['11', '北京市']]),
    prefectures: new Map(),
    counties: new Map([['110103', '崇文区']]),
  },
]);

const proof = (over: Partial<VerifiedIdentityProof> = {}): VerifiedIdentityProof => ({
  partnerId: 'p1',
  subjectId: 's1',
  name: '张三',
  idNumber: idNumber('11010319850612124'),
  documentValidFrom: '2015-01-01',
  documentValidTo: '2035-01-01',
  cardFrontPhotoId: 'photo-front',
  cardBackPhotoId: '',
  method: 'MANUAL_REVIEW',
  verificationId: 'v1',
  verifiedAt: new Date('2025-01-01T00:00:00Z'),
  ...over,
});

describe('deriveVerifiedIdentity', () => {
  it('when the proof is complete, then birth date, gender, region and address come from the ID number', () => {
    const v = deriveVerifiedIdentity(proof(), regions);
    expect(v).toMatchObject({ birthDate: '1985-06-12', gender: 'F', regionCode: '110103', address: '北京市崇文区' });
  });

  it('when the number ends in a lower-case x, then it is kept in the normal form', () => {
    const body = '11010519491231002';
    expect(deriveVerifiedIdentity(proof({ idNumber: ` ${body}x ` }), regions).idNumber).toBe(`${body}X`);
  });

  it('when the region is unknown to the catalog, then the identity is kept with an empty address', () => {
    expect(deriveVerifiedIdentity(proof({ idNumber: idNumber('11019919850612123') }), regions).address).toBe('');
  });

  it.each([
    ['no subject', { subjectId: ' ' }, 'KYC.IDENTITY.RECORD_INVALID'],
    ['no verification id', { verificationId: '' }, 'KYC.IDENTITY.RECORD_INVALID'],
    ['a document date in another format', { documentValidTo: '20350101' }, 'KYC.IDENTITY.RECORD_INVALID'],
    ['an invalid ID number', { idNumber: '110103198506121240' }, 'KYC.IDENTITY.INVALID_CHECK_DIGIT'],
    ['an invalid name', { name: 'x' }, 'KYC.IDENTITY.INVALID_NAME'],
  ])('when the proof has %s, then it is refused', (_what, over, code) => {
    expect(() => deriveVerifiedIdentity(proof(over), regions)).toThrow(expect.objectContaining({ code, kind: 'invalid_argument' }));
  });

  const passport = (over: Partial<VerifiedIdentityProof> = {}) =>
    proof({ documentType: 'passport', name: 'Anna-Lena O\'Brien', idNumber: ' c01x 00t47 ', birthDate: '1990-03-07', gender: 'F', nationality: 'Deutschland', ...over });

  it('when a passport is recorded, then its birth date, gender and nationality are the approved ones and it has no region', () => {
    expect(deriveVerifiedIdentity(passport(), regions)).toMatchObject({
      documentType: 'passport',
      name: "Anna-Lena O'Brien",
      idNumber: 'C01X00T47',
      birthDate: '1990-03-07',
      gender: 'F',
      nationality: 'Deutschland',
      regionCode: '',
      address: '',
    });
  });

  it('when no document type is given, then it is a resident ID card and nationality stays empty', () => {
    expect(deriveVerifiedIdentity(proof({ birthDate: '2000-01-01', gender: 'M' }), regions)).toMatchObject({ documentType: 'resident-id-card', birthDate: '1985-06-12', gender: 'F', nationality: '' });
  });

  it('when a roster membership is recorded, then the member id stands as its number and nothing is derived from it', () => {
    expect(deriveVerifiedIdentity(proof({ documentType: 'roster-member', idNumber: '3fa9c2e1b7d4', birthDate: '2000-01-01', gender: 'M' }), regions)).toMatchObject({
      documentType: 'roster-member',
      idNumber: '3fa9c2e1b7d4',
      birthDate: '',
      gender: '',
      regionCode: '',
      address: '',
    });
    expect(() => deriveVerifiedIdentity(proof({ documentType: 'roster-member', idNumber: 'a b' }), regions)).toThrow(expect.objectContaining({ code: 'KYC.IDENTITY.RECORD_INVALID' }));
  });

  it.each([
    ['a number without digits', { idNumber: 'ABCDEFG' }],
    ['a number too short', { idNumber: 'E123' }],
    ['no birth date', { birthDate: '' }],
    ['a birth date in another format', { birthDate: '19900307' }],
    ['no gender', { gender: '' }],
    ['no nationality', { nationality: ' ' }],
    ['a name with digits', { name: 'Anna 2' }],
  ])('when a passport record has %s, then it is refused', (_what, over) => {
    expect(() => deriveVerifiedIdentity(passport(over), regions)).toThrow(expect.objectContaining({ code: 'KYC.IDENTITY.RECORD_INVALID' }));
  });
});

describe('decideRecord', () => {
  const current = deriveVerifiedIdentity(proof(), regions);

  it('when the subject has no identity yet, then the proof is written', () => {
    expect(decideRecord(undefined, current)).toBe('write');
  });

  it('when the same verification is recorded again, then nothing changes', () => {
    expect(decideRecord(current, { ...current, name: '李四' })).toBe('already-recorded');
  });

  it('when a newer verification arrives, then it replaces the current identity', () => {
    expect(decideRecord(current, { ...current, verificationId: 'v2', verifiedAt: new Date('2025-02-01T00:00:00Z') })).toBe('write');
  });

  it('when an older verification arrives late, then the newer identity stays', () => {
    expect(decideRecord(current, { ...current, verificationId: 'v0', verifiedAt: new Date('2024-12-01T00:00:00Z') })).toBe('superseded');
  });
});
