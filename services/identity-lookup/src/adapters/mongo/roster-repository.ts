import mongoose from 'mongoose';
import { failedPrecondition } from '@kyc/core';
import { bytesOf, Counter, isDuplicateKeyError } from '@kyc/mongo-kit';
import { PiiCipher } from '@kyc/pii-crypto';
import { BatchOutcome, RosterImportSession, RosterStore } from '../../application/ports';
import { matchableName, MemberDepartment, RosterMember, RosterPerson, School } from '../../domain/roster';

/**
 * Rosters in identity-lookup's database. Schools and department names are not personal data and
 * stay plain. A person is one document whose personal data (outid, name, ID number, mobile,
 * e-card id, departments, relatives) is sealed as one value, bound to the document; equality
 * lookups go through blind indexes scoped to the partner (outid also to the school), so the same
 * person at two partners cannot be linked through them. A keyed fingerprint of the row tells a
 * re-import whether anything changed without opening a single document.
 */
const schoolSchema = new mongoose.Schema(
  {
    partnerId: { type: String, required: true },
    customerCode: { type: String, required: true },
    customerName: { type: String, required: true },
    ecardSchool: { type: Boolean, required: true },
    dpcode: { type: String, default: '' },
  },
  { collection: 'roster_schools', timestamps: true, versionKey: false },
);
schoolSchema.index({ partnerId: 1, customerCode: 1 }, { unique: true });

const personSchema = new mongoose.Schema(
  {
    // The member id: opaque and keyed by the outid within its school (memberIdFor), so the same
    // person keeps it across re-imports and the outid lookup is one read by _id. (MongoDB serves
    // any indexed field well; FerretDB v1, the dev and test server, pushes only _id equality down
    // to SQL and scans for the rest: 5 ms against 40-50 ms per lookup at 3,000 people.)
    _id: { type: String, required: true },
    partnerId: { type: String, required: true },
    customerCode: { type: String, required: true },
    outidKey: { type: String, required: true },
    nameOutidKey: { type: String, required: true },
    idNumberKey: { type: String, default: null },
    relativeIdKeys: { type: [String], default: [] },
    role: { type: Number, required: true },
    fingerprint: { type: String, required: true },
    sealed: { type: Buffer, required: true },
  },
  { collection: 'roster_people', timestamps: true, versionKey: false },
);
// One person per outid and school: unique inserts settle two imports racing on one school.
personSchema.index({ partnerId: 1, customerCode: 1, outidKey: 1 }, { unique: true });
personSchema.index({ partnerId: 1, nameOutidKey: 1 });
personSchema.index({ partnerId: 1, idNumberKey: 1 });
personSchema.index({ partnerId: 1, relativeIdKeys: 1 });

const departmentSchema = new mongoose.Schema(
  {
    partnerId: { type: String, required: true },
    customerCode: { type: String, required: true },
    name: { type: String, required: true },
    deptId: { type: Number, required: true },
  },
  { collection: 'roster_departments', versionKey: false },
);
departmentSchema.index({ partnerId: 1, customerCode: 1, name: 1 }, { unique: true });

type SchoolDoc = mongoose.InferSchemaType<typeof schoolSchema>;
type PersonDoc = mongoose.InferSchemaType<typeof personSchema>;
type DepartmentDoc = mongoose.InferSchemaType<typeof departmentSchema>;

/** What is sealed: the person as stored, but for what the document keeps plain. */
type SealedPerson = Omit<RosterMember, 'memberId' | 'partnerId' | 'customerCode' | 'role'>;

/** Lookups that may match several people return at most this many. */
const MAX_CANDIDATES = 50;
/** Documents per write command. */
const WRITE_CHUNK = 1000;

const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

export class RosterRepository implements RosterStore {
  readonly schools: mongoose.Model<SchoolDoc>;
  readonly people: mongoose.Model<PersonDoc>;
  readonly departments: mongoose.Model<DepartmentDoc>;
  private readonly counter: Counter;

  constructor(
    conn: mongoose.Connection,
    private readonly cipher: PiiCipher,
  ) {
    this.schools = conn.model<SchoolDoc>('RosterSchool', schoolSchema);
    this.people = conn.model<PersonDoc>('RosterPerson', personSchema);
    this.departments = conn.model<DepartmentDoc>('RosterDepartment', departmentSchema);
    this.counter = new Counter(conn);
  }

  get models() {
    return [this.schools, this.people, this.departments];
  }

  private static context(partnerId: string, customerCode: string, memberId: string): string {
    return JSON.stringify(['roster-person', partnerId, customerCode, memberId]);
  }

  /** A person's member id: a keyed digest of the outid within its school (reveals nothing of it). */
  memberIdFor(partnerId: string, customerCode: string, outid: string): string {
    return this.cipher.blindIndex(outid, JSON.stringify(['roster:member-id', partnerId, customerCode])).slice(0, 24);
  }

  outidKey(partnerId: string, customerCode: string, outid: string): string {
    return this.cipher.blindIndex(outid, JSON.stringify(['roster:outid', partnerId, customerCode]));
  }

  private nameOutidKey(partnerId: string, name: string, outid: string): string {
    return this.cipher.blindIndex(`${matchableName(name)}\u0000${outid}`, JSON.stringify(['roster:name-outid', partnerId]));
  }

  /** Shared by a person's own number and the numbers of the relatives people list. */
  private idNumberKey(partnerId: string, idNumber: string): string {
    return this.cipher.blindIndex(idNumber, JSON.stringify(['roster:id-number', partnerId]));
  }

  fingerprint(partnerId: string, customerCode: string, person: RosterPerson): string {
    const canonical = JSON.stringify([
      person.outid,
      person.name,
      person.idNumber,
      person.role,
      person.mobile,
      person.ecardCustomerId,
      person.departments.map((d) => [d.name, d.position, d.supervisor]),
      person.relatives.map((r) => [r.relation, r.name, r.idNumber, r.mobile]),
    ]);
    return this.cipher.blindIndex(canonical, JSON.stringify(['roster:row', partnerId, customerCode]));
  }

  async findSchool(partnerId: string, customerCode: string): Promise<School | undefined> {
    const doc = await this.schools.findOne({ partnerId, customerCode }).lean();
    return doc ? { partnerId, customerCode, customerName: doc.customerName, ecardSchool: doc.ecardSchool, dpcode: doc.dpcode ?? '' } : undefined;
  }

  async saveSchool(school: School): Promise<void> {
    const { partnerId, customerCode, customerName, ecardSchool, dpcode } = school;
    await this.schools.updateOne({ partnerId, customerCode }, { $set: { customerName, ecardSchool, dpcode } }, { upsert: true });
  }

  async findByOutid(partnerId: string, customerCode: string, outid: string): Promise<RosterMember | undefined> {
    const doc = await this.people.findOne({ _id: this.memberIdFor(partnerId, customerCode, outid) }).lean();
    return doc && doc.partnerId === partnerId && doc.customerCode === customerCode ? this.open(doc) : undefined;
  }

  async findByNameAndOutid(partnerId: string, name: string, outid: string): Promise<RosterMember[]> {
    return this.findMany({ partnerId, nameOutidKey: this.nameOutidKey(partnerId, name, outid) });
  }

  async findByIdNumber(partnerId: string, idNumber: string): Promise<RosterMember[]> {
    return this.findMany({ partnerId, idNumberKey: this.idNumberKey(partnerId, idNumber) });
  }

  async findListingRelative(partnerId: string, idNumber: string): Promise<RosterMember[]> {
    return this.findMany({ partnerId, relativeIdKeys: this.idNumberKey(partnerId, idNumber) });
  }

  async openImport(partnerId: string, customerCode: string): Promise<RosterImportSession> {
    return new MongoRosterImport(this, partnerId, customerCode);
  }

  private async findMany(filter: Record<string, unknown>): Promise<RosterMember[]> {
    const docs = await this.people.find(filter).limit(MAX_CANDIDATES).lean();
    return docs.map((d) => this.open(d));
  }

  /** The document of a person, sealed, with the member id it has or gets. */
  sealedDocument(partnerId: string, customerCode: string, memberId: string, person: RosterPerson, deptIds: ReadonlyMap<string, number>, fingerprint: string) {
    const departments: MemberDepartment[] = person.departments.map((d) => ({ ...d, deptId: deptIds.get(d.name)! }));
    const sealed: SealedPerson = {
      outid: person.outid,
      name: person.name,
      idNumber: person.idNumber,
      mobile: person.mobile,
      ecardCustomerId: person.ecardCustomerId,
      departments,
      relatives: person.relatives,
    };
    const relativeIds = [...new Set(person.relatives.map((r) => r.idNumber).filter(Boolean))];
    return {
      _id: memberId,
      partnerId,
      customerCode,
      outidKey: this.outidKey(partnerId, customerCode, person.outid),
      nameOutidKey: this.nameOutidKey(partnerId, person.name, person.outid),
      // null rather than absent, so that an update clears the key of a number the school removed.
      idNumberKey: person.idNumber ? this.idNumberKey(partnerId, person.idNumber) : null,
      relativeIdKeys: relativeIds.map((id) => this.idNumberKey(partnerId, id)),
      role: person.role,
      fingerprint,
      sealed: this.cipher.sealString(JSON.stringify(sealed), RosterRepository.context(partnerId, customerCode, memberId)),
    };
  }

  private open(doc: Record<string, unknown>): RosterMember {
    const memberId = doc._id as string;
    const partnerId = doc.partnerId as string;
    const customerCode = doc.customerCode as string;
    const person = JSON.parse(this.cipher.openString(bytesOf(doc.sealed), RosterRepository.context(partnerId, customerCode, memberId))) as SealedPerson;
    return { ...person, memberId, partnerId, customerCode, role: doc.role as RosterMember['role'] };
  }

  /**
   * Department ids by name within a school: found, or allocated on first sight (a unique insert
   * per name settles two importers naming the same new department).
   */
  async departmentIds(partnerId: string, customerCode: string, names: readonly string[], known: Map<string, number>): Promise<void> {
    const missing = [...new Set(names)].filter((n) => !known.has(n));
    if (!missing.length) return;
    for (const group of chunks(missing, WRITE_CHUNK)) {
      for (const d of await this.departments.find({ partnerId, customerCode, name: { $in: group } }).lean()) known.set(d.name, d.deptId);
    }
    for (const name of missing.filter((n) => !known.has(n))) {
      const deptId = await this.counter.next(`roster-department:${partnerId}`);
      try {
        await this.departments.collection.insertOne({ partnerId, customerCode, name, deptId });
        known.set(name, deptId);
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
        const winner = await this.departments.findOne({ partnerId, customerCode, name }).lean();
        known.set(name, winner!.deptId);
      }
    }
  }

  async insertPeople(docs: readonly Record<string, unknown>[]): Promise<void> {
    const now = new Date();
    for (const group of chunks(docs, WRITE_CHUNK)) {
      try {
        await this.people.collection.insertMany(
          group.map((d) => ({ ...d, createdAt: now, updatedAt: now })) as never[],
          { ordered: false },
        );
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
        throw failedPrecondition('KYC.ROSTER.CONCURRENT_IMPORT', 'another import of this school wrote the same people meanwhile: run the import again');
      }
    }
  }

  async replacePeople(docs: readonly Record<string, unknown>[]): Promise<void> {
    const now = new Date();
    for (const group of chunks(docs, WRITE_CHUNK)) {
      await this.people.collection.bulkWrite(
        group.map(({ _id, ...fields }) => ({ updateOne: { filter: { _id }, update: { $set: { ...fields, updatedAt: now } } } })) as never[],
        { ordered: false },
      );
    }
  }

  /** Every person of a school: outid key -> member id and fingerprint (no personal data opened). */
  async schoolSnapshot(partnerId: string, customerCode: string): Promise<Map<string, { memberId: string; fingerprint: string }>> {
    const snapshot = new Map<string, { memberId: string; fingerprint: string }>();
    const cursor = this.people.collection.find({ partnerId, customerCode }, { projection: { _id: 1, outidKey: 1, fingerprint: 1 } });
    for await (const doc of cursor) snapshot.set(doc.outidKey as string, { memberId: doc._id as unknown as string, fingerprint: doc.fingerprint as string });
    return snapshot;
  }

  async removePeople(memberIds: readonly string[]): Promise<number> {
    let removed = 0;
    for (const group of chunks(memberIds, WRITE_CHUNK)) {
      removed += (await this.people.collection.deleteMany({ _id: { $in: group as never[] } })).deletedCount;
    }
    return removed;
  }
}

/** See RosterImportSession. Holds the school's fingerprints, so a batch costs one or two writes. */
class MongoRosterImport implements RosterImportSession {
  private existing?: Map<string, { memberId: string; fingerprint: string }>;
  private readonly seen = new Set<string>();
  private readonly deptIds = new Map<string, number>();

  constructor(
    private readonly repo: RosterRepository,
    private readonly partnerId: string,
    private readonly customerCode: string,
  ) {}

  async apply(people: readonly RosterPerson[]): Promise<BatchOutcome> {
    const { partnerId, customerCode, repo } = this;
    this.existing ??= await repo.schoolSnapshot(partnerId, customerCode);
    await repo.departmentIds(partnerId, customerCode, people.flatMap((p) => p.departments.map((d) => d.name)), this.deptIds);
    const inserts: Record<string, unknown>[] = [];
    const updates: Record<string, unknown>[] = [];
    let unchanged = 0;
    for (const person of people) {
      const outidKey = repo.outidKey(partnerId, customerCode, person.outid);
      this.seen.add(outidKey);
      const fingerprint = repo.fingerprint(partnerId, customerCode, person);
      const current = this.existing.get(outidKey);
      if (current?.fingerprint === fingerprint) {
        unchanged++;
        continue;
      }
      const memberId = current?.memberId ?? repo.memberIdFor(partnerId, customerCode, person.outid);
      (current ? updates : inserts).push(repo.sealedDocument(partnerId, customerCode, memberId, person, this.deptIds, fingerprint));
      this.existing.set(outidKey, { memberId, fingerprint });
    }
    if (inserts.length) await repo.insertPeople(inserts);
    if (updates.length) await repo.replacePeople(updates);
    return { inserted: inserts.length, updated: updates.length, unchanged };
  }

  async removeMissing(): Promise<number> {
    const existing = this.existing ?? (await this.repo.schoolSnapshot(this.partnerId, this.customerCode));
    const gone = [...existing].filter(([outidKey]) => !this.seen.has(outidKey)).map(([, v]) => v.memberId);
    return this.repo.removePeople(gone);
  }
}
