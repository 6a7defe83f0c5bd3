/**
 * The platform's hot-path queries, built by the repositories themselves: each entry calls a real
 * repository method against a real MongoDB-wire server and the MongoDB driver's command monitoring
 * records what it sent. A change to a repository's filter or sort changes what is checked here
 * (test/integration/query-indexes.test.ts) and measured (test/bench/ferretdb-backends.ts).
 */
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { createLogger } from '@kyc/core';
import { ensureIndexes, OutboxRelay, type IndexedModel } from '@kyc/mongo-kit';
import { masterKeyFromHex, PiiCipher } from '@kyc/pii-crypto';
import { PartnerRepository } from '../../services/gateway/src/adapters/mongo/partner-repository';
import { SessionRepository } from '../../services/gateway/src/adapters/mongo/session-repository';
import { MemberSubmissionRepository } from '../../services/gateway/src/adapters/mongo/member-submission-repository';
import { AppAuthDraftRepository } from '../../services/gateway/src/adapters/mongo/app-auth-draft-repository';
import { VerificationRepository } from '../../services/realname-pattern/src/adapters/mongo/verification-repository';
import { ReviewCaseRepository } from '../../services/realname-pattern/src/adapters/mongo/review-case-repository';
import { MobileCodeRepository } from '../../services/realname-pattern/src/adapters/mongo/mobile-code-repository';
import { VerifiedIdentityRepository } from '../../services/identity-lookup/src/adapters/mongo/verified-identity-repository';
import { VerifiedMobileRepository } from '../../services/identity-lookup/src/adapters/mongo/verified-mobile-repository';
import { RosterRepository } from '../../services/identity-lookup/src/adapters/mongo/roster-repository';
import { CallbackRepository } from '../../services/notifier/src/adapters/mongo/callback-repository';
import { PhotoRepository } from '../../services/photo-storage/src/adapters/mongo/photo-repository';

const MASTER_KEY = '11'.repeat(32);
const noEvents = (): never => {
  throw new Error('hot-path queries only read');
};

/** The repositories of the five services, each on its service's own database, as main.ts wires them. */
export class Repositories {
  readonly partners: PartnerRepository;
  readonly sessions: SessionRepository;
  readonly memberSubmissions: MemberSubmissionRepository;
  readonly appAuthDrafts: AppAuthDraftRepository;
  readonly verifications: VerificationRepository;
  readonly reviewCases: ReviewCaseRepository;
  readonly mobileCodes: MobileCodeRepository;
  readonly verifiedIdentities: VerifiedIdentityRepository;
  readonly verifiedMobiles: VerifiedMobileRepository;
  readonly rosters: RosterRepository;
  readonly callbacks: CallbackRepository;
  readonly photos: PhotoRepository;
  /** Each service's models whose indexes its main.ts creates (ensureIndexes). */
  readonly indexedModels: IndexedModel[];

  constructor(conns: Record<Service, mongoose.Connection>) {
    const cipher = new PiiCipher(masterKeyFromHex(MASTER_KEY));
    this.partners = new PartnerRepository(conns.gateway, cipher);
    this.sessions = new SessionRepository(conns.gateway, cipher);
    this.memberSubmissions = new MemberSubmissionRepository(conns.gateway, cipher);
    this.appAuthDrafts = new AppAuthDraftRepository(conns.gateway, cipher);
    this.verifications = new VerificationRepository(conns.realname, cipher, noEvents);
    this.reviewCases = new ReviewCaseRepository(conns.realname, cipher, noEvents);
    this.mobileCodes = new MobileCodeRepository(conns.realname, noEvents);
    this.verifiedIdentities = new VerifiedIdentityRepository(conns.identity, cipher);
    this.verifiedMobiles = new VerifiedMobileRepository(conns.identity, cipher);
    this.rosters = new RosterRepository(conns.identity, cipher);
    this.callbacks = new CallbackRepository(conns.notifier, cipher);
    this.photos = new PhotoRepository(conns.photos, cipher, 'kyc.photo.v1', createLogger('hot-paths', 'silent'), 1 << 20);
    this.indexedModels = [
      this.partners.model,
      this.sessions.subjects,
      this.sessions.sessions,
      this.memberSubmissions.model,
      this.appAuthDrafts.model,
      this.reviewCases.model,
      this.verifications.model,
      this.mobileCodes.model,
      this.verifiedIdentities.model,
      this.verifiedMobiles.model,
      ...this.rosters.models,
      this.callbacks.model,
      this.photos.model,
    ];
  }

  /** The outbox relay of a collection, as each service's main.ts starts it (publishing nowhere). */
  relayOf(collection: mongoose.mongo.Collection<mongoose.mongo.Document>): OutboxRelay {
    return new OutboxRelay(collection, async () => undefined, createLogger('hot-paths', 'silent'));
  }
}

export type Service = 'gateway' | 'realname' | 'identity' | 'notifier' | 'photos';
const SERVICES: Service[] = ['gateway', 'realname', 'identity', 'notifier', 'photos'];

/** The keys every hot-path call uses: fixed, so the bench's data can be built around them. */
export const KEY = {
  partner: 'app_hotpath',
  user: 'user-hotpath',
  subject: '3b0c1f2e-0000-4000-8000-00000000c0de',
  sid: 'sid-hotpath-0123456789abcdef',
  ticket: 'ticket-hotpath',
  idNumber: '110101199003074477',
  mobile: '13800138000',
  school: 'school-hotpath',
  objectKey: 'auth/7/front.png',
  callback: 'callback-hotpath',
} as const;

const NOW = new Date('2026-06-01T00:00:00Z');

/**
 * One hot path: what a user notices when it is slow, and the repository call that runs it.
 * `sorted: true` marks queries whose sort must come from the index (queues and "latest"
 * reads over sets that grow): a blocking in-memory sort would read the whole set each time.
 */
export interface HotPath {
  name: string;
  call: string;
  run(r: Repositories): Promise<unknown>;
  sorted?: boolean;
}

export const HOT_PATHS: HotPath[] = [
  // gateway: every request
  { name: 'session lookup by token hash (seeds 001/002/003)', call: 'SessionRepository.resolve', run: (r) => r.sessions.resolve(KEY.sid) },
  { name: 'partner by app_id (every signed request)', call: 'PartnerRepository.find', run: (r) => r.partners.find(KEY.partner) },
  { name: 'subject by partner user (blind index)', call: 'SessionRepository.findSubject', run: (r) => r.sessions.findSubject(KEY.partner, KEY.user) },
  // status reads
  { name: 'seed 000 member/status: latest submission', call: 'MemberSubmissionRepository.latestOf', run: (r) => r.memberSubmissions.latestOf(KEY.partner, KEY.subject), sorted: true },
  { name: 'seed 002 fetch_info: review case of subject', call: 'ReviewCaseRepository.find', run: (r) => r.reviewCases.find(KEY.subject) },
  { name: 'seed 001 steps: draft of subject', call: 'AppAuthDraftRepository.find', run: (r) => r.appAuthDrafts.find(KEY.subject) },
  { name: 'seed 003 result by rnAuthTicket', call: 'VerificationRepository.findByTicket', run: (r) => r.verifications.findByTicket(KEY.ticket) },
  { name: 'verification by subject (latest)', call: 'VerificationRepository.latestForSubject', run: (r) => r.verifications.latestForSubject(KEY.subject), sorted: true },
  { name: 'verification by subject and method', call: 'VerificationRepository.latestForSubject', run: (r) => r.verifications.latestForSubject(KEY.subject, 'MANUAL_REVIEW'), sorted: true },
  // identity-lookup
  { name: 'verified identity by ID number (blind index)', call: 'VerifiedIdentityRepository.findByIdNumber', run: (r) => r.verifiedIdentities.findByIdNumber(KEY.partner, KEY.idNumber) },
  { name: 'ID number holder (uniqueness check)', call: 'VerifiedIdentityRepository.subjectHoldingIdNumber', run: (r) => r.verifiedIdentities.subjectHoldingIdNumber(KEY.partner, KEY.idNumber) },
  { name: 'verified identity of subject', call: 'VerifiedIdentityRepository.findBySubject', run: (r) => r.verifiedIdentities.findBySubject(KEY.partner, KEY.subject) },
  { name: 'mobile holder (seed 003 409)', call: 'VerifiedMobileRepository.subjectHoldingMobile', run: (r) => r.verifiedMobiles.subjectHoldingMobile(KEY.partner, KEY.mobile) },
  { name: 'roster: school', call: 'RosterRepository.findSchool', run: (r) => r.rosters.findSchool(KEY.partner, KEY.school) },
  { name: 'roster: member by outid', call: 'RosterRepository.findByOutid', run: (r) => r.rosters.findByOutid(KEY.partner, KEY.school, 'outid-1') },
  { name: 'roster: members by name and outid', call: 'RosterRepository.findByNameAndOutid', run: (r) => r.rosters.findByNameAndOutid(KEY.partner, '赵崇文', 'outid-1') },
  { name: 'roster: members by ID number', call: 'RosterRepository.findByIdNumber', run: (r) => r.rosters.findByIdNumber(KEY.partner, KEY.idNumber) },
  { name: 'roster: people listing a relative', call: 'RosterRepository.findListingRelative', run: (r) => r.rosters.findListingRelative(KEY.partner, KEY.idNumber) },
  // photo-storage
  { name: 'photo object lookup (seed 001 upload key)', call: 'PhotoRepository.openObject', run: (r) => r.photos.openObject(KEY.subject, KEY.objectKey) },
  { name: 'photo lock check', call: 'PhotoRepository.isLocked', run: (r) => r.photos.isLocked(KEY.subject) },
  // queues and polls
  { name: 'review queue, oldest first', call: 'ReviewCaseRepository.listPending', run: (r) => r.reviewCases.listPending(50), sorted: true },
  { name: 'verification worker poll', call: 'VerificationRepository.dueForProcessing', run: (r) => r.verifications.dueForProcessing(['MANUAL_REVIEW', 'ID_TWO_ELEMENTS'], NOW, 20) },
  { name: 'callback queue: due candidates', call: 'CallbackRepository.dueCandidates', run: (r) => r.callbacks.dueCandidates(NOW, ['app_paused'], 256) },
  { name: 'callback queue: claim by id', call: 'CallbackRepository.claim', run: (r) => r.callbacks.claim('callback-hotpath', NOW, new Date(NOW.getTime() + 30_000)) },
  { name: 'callback queue: next due time', call: 'CallbackRepository.nextDueAt', run: (r) => r.callbacks.nextDueAt(NOW, []), sorted: true },
  { name: 'SMS code rate limit (per number)', call: 'MobileCodeRepository.countSince', run: (r) => r.mobileCodes.countSince({ mobileIndex: 'mobile-index-hotpath' }, NOW) },
  { name: 'SMS code: latest to a number', call: 'MobileCodeRepository.latestToNumber', run: (r) => r.mobileCodes.latestToNumber('mobile-index-hotpath'), sorted: true },
  { name: 'outbox poll: partners (gateway)', call: 'OutboxRelay.drain', run: (r) => r.relayOf(r.partners.model.collection).drain() },
  { name: 'outbox poll: review cases', call: 'OutboxRelay.drain', run: (r) => r.relayOf(r.reviewCases.model.collection).drain() },
  { name: 'outbox poll: verifications', call: 'OutboxRelay.drain', run: (r) => r.relayOf(r.verifications.model.collection).drain() },
  { name: 'outbox poll: photos', call: 'OutboxRelay.drain', run: (r) => r.relayOf(r.photos.outboxSource().collection).drain() },
];

/** A read as the server is asked it: one collection, a filter, maybe a sort and a limit. */
export interface CapturedQuery {
  db: string;
  collection: string;
  /** The command the repository sent (find, findAndModify, aggregate for counts, ...). */
  command: string;
  filter: Record<string, unknown>;
  sort?: Record<string, 1 | -1>;
  limit?: number;
  projection?: Record<string, unknown>;
}

/** The driver sends sorts as Maps (key order matters); plain objects keep insertion order too. */
const sortOf = (sort: unknown): CapturedQuery['sort'] => (sort instanceof Map ? Object.fromEntries(sort) : (sort as CapturedQuery['sort']));

/** The read of a monitored command, or undefined for commands that read nothing by filter. */
function readOf(db: string, name: string, cmd: Record<string, unknown>): CapturedQuery | undefined {
  const collection = cmd[name] as string;
  switch (name) {
    case 'find':
      return { db, collection, command: name, filter: (cmd.filter ?? {}) as Record<string, unknown>, sort: sortOf(cmd.sort), limit: cmd.limit as number | undefined, projection: cmd.projection as Record<string, unknown> | undefined };
    case 'findAndModify':
      return { db, collection, command: name, filter: (cmd.query ?? {}) as Record<string, unknown>, sort: sortOf(cmd.sort), limit: 1 };
    case 'aggregate': {
      const match = ((cmd.pipeline ?? []) as Record<string, unknown>[]).find((stage) => '$match' in stage)?.$match as Record<string, unknown> | undefined;
      return { db, collection, command: name, filter: match ?? {} };
    }
    case 'count':
      return { db, collection, command: name, filter: (cmd.query ?? {}) as Record<string, unknown> };
    default:
      return undefined;
  }
}

/** Connections (with command monitoring) to one database per service, and the repositories on them. */
export class HotPathRig {
  private readonly captured: CapturedQuery[] = [];
  private capturing = false;

  private constructor(
    readonly conns: Record<Service, mongoose.Connection>,
    readonly repos: Repositories,
  ) {
    for (const conn of Object.values(conns)) {
      conn.getClient().on('commandStarted', (e) => {
        if (!this.capturing) return;
        const read = readOf(e.databaseName, e.commandName, e.command as Record<string, unknown>);
        if (read) this.captured.push(read);
      });
    }
  }

  /** Connects to `mongoUrl` with databases `<namespace>_<service>` and creates every index the services' main.ts create. */
  static async open(mongoUrl: string, namespace: string): Promise<HotPathRig> {
    const conns = {} as Record<Service, mongoose.Connection>;
    for (const service of SERVICES) {
      conns[service] = await mongoose
        .createConnection(mongoUrl, { dbName: `${namespace}_${service}`, monitorCommands: true, autoIndex: false, autoCreate: false, serverSelectionTimeoutMS: 10_000, socketTimeoutMS: 120_000 })
        .asPromise();
    }
    const repos = new Repositories(conns);
    await ensureIndexes(repos.indexedModels);
    return new HotPathRig(conns, repos);
  }

  /** The reads one hot path sends, in order. */
  async capture(path: HotPath): Promise<CapturedQuery[]> {
    this.captured.length = 0;
    this.capturing = true;
    try {
      await path.run(this.repos);
    } finally {
      this.capturing = false;
    }
    return this.captured.splice(0);
  }

  db(name: string): mongoose.mongo.Db {
    return this.conns.gateway.getClient().db(name);
  }

  async close(drop = true): Promise<void> {
    for (const conn of Object.values(this.conns)) {
      if (drop) await conn.dropDatabase().catch(() => undefined);
      await conn.close();
    }
  }
}

/** The read as a find command (what explain() and the bench send): a findAndModify or count reads what this find reads. */
export function asFind(q: CapturedQuery): Record<string, unknown> {
  return {
    find: q.collection,
    filter: q.filter,
    ...(q.sort ? { sort: q.sort } : {}),
    ...(q.limit ? { limit: q.limit } : {}),
    ...(q.projection ? { projection: q.projection } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// What MongoDB's planner can serve from an index (the prefix rule), for the declared indexes.

export interface FilterShape {
  equality: Set<string>;
  range: Set<string>;
  /** Conditions applied to fetched documents only ($or, $nin, $ne, $exists, $size, ...). */
  residual: Set<string>;
}

const RANGE_OPS = new Set(['$lt', '$lte', '$gt', '$gte']);

export function shapeOf(filter: Record<string, unknown>, shape: FilterShape = { equality: new Set(), range: new Set(), residual: new Set() }): FilterShape {
  for (const [field, value] of Object.entries(filter)) {
    if (field === '$and') {
      for (const part of value as Record<string, unknown>[]) shapeOf(part, shape);
      continue;
    }
    if (field.startsWith('$')) {
      shape.residual.add(field);
      continue;
    }
    const ops = isOperatorObject(value) ? Object.keys(value as object) : undefined;
    if (!ops) shape.equality.add(field);
    else if (ops.every((op) => op === '$eq' || op === '$in')) shape.equality.add(field);
    else if (ops.every((op) => RANGE_OPS.has(op))) shape.range.add(field);
    else shape.residual.add(field);
  }
  return shape;
}

function isOperatorObject(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Date || Buffer.isBuffer(value)) return false;
  const keys = Object.keys(value as object);
  return keys.length > 0 && keys.every((k) => k.startsWith('$'));
}

export interface IndexChoice {
  index: string;
  /** Index fields the filter bounds (equality prefix, then one range). */
  bounded: string[];
  /** True when the index yields the documents in the requested order (no in-memory sort). */
  sortByIndex: boolean;
}

/**
 * The best index for a filter and sort by MongoDB's prefix rule: equality fields first (any
 * order), then the sort fields in order (all directions as declared or all reversed), then one
 * range field. Sort fields bound by equality need no order. Undefined when no index bounds the scan.
 */
export function servingIndex(indexes: { name: string; key: Record<string, number> }[], filter: Record<string, unknown>, sort?: Record<string, number>): IndexChoice | undefined {
  const shape = shapeOf(filter);
  const sortKeys = Object.entries(sort ?? {}).filter(([field]) => !shape.equality.has(field));
  let best: IndexChoice | undefined;
  for (const index of indexes) {
    const keys = Object.entries(index.key);
    let i = 0;
    const bounded: string[] = [];
    while (i < keys.length && shape.equality.has(keys[i][0])) bounded.push(keys[i++][0]);
    let sortByIndex = sortKeys.length === 0;
    if (!sortByIndex && i + sortKeys.length <= keys.length) {
      const flip = Math.sign(keys[i][1]) === Math.sign(sortKeys[0][1]) ? 1 : -1;
      sortByIndex = sortKeys.every(([field, dir], k) => keys[i + k][0] === field && Math.sign(keys[i + k][1]) * flip === Math.sign(dir));
      if (sortByIndex && shape.range.has(keys[i][0])) bounded.push(keys[i][0]);
    } else if (i < keys.length && shape.range.has(keys[i][0])) {
      bounded.push(keys[i][0]);
    }
    if (bounded.length === 0) continue;
    const choice = { index: index.name, bounded, sortByIndex };
    if (!best || rank(choice) > rank(best)) best = choice;
  }
  return best;
}

const rank = (c: IndexChoice) => (c.sortByIndex ? 100 : 0) + c.bounded.length;

// ---------------------------------------------------------------------------------------------
// Documents around a read: the one it finds plus others it must not have to read.

/** Sets a dotted path in a document (creating sub-documents; numeric parts index arrays). */
function setPath(doc: Record<string, unknown>, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let at: Record<string, unknown> = doc;
  for (let k = 0; k < parts.length - 1; k++) {
    const nextIsIndex = /^\d+$/.test(parts[k + 1]);
    at[parts[k]] ??= nextIsIndex ? [] : {};
    at = at[parts[k]] as Record<string, unknown>;
  }
  at[parts[parts.length - 1]] = value;
}

function otherValue(value: unknown, i: number): unknown {
  if (typeof value === 'string') return `${value}~${i}`;
  if (typeof value === 'number') return value + i;
  if (typeof value === 'boolean') return !value;
  if (value instanceof Date) return new Date(value.getTime() + (i + 1) * 60_000);
  return `${String(value)}~${i}`;
}

/**
 * The document number at insertion position `p` of `count`: the matching document (0) goes in
 * the middle, so a scan that stops at its first match does not find it at once.
 */
export const documentAt = (p: number, count: number): number => {
  const mid = count >> 1;
  return p < mid ? p + 1 : p === mid ? 0 : p;
};

/**
 * Document `i` of a collection whose reads are `reads`: document 0 matches every equality and
 * range of every read; the others carry different values in the same fields (same types), so an
 * index on those fields skips them and a scan has to read them. `padding` bytes stand for the
 * sealed personal data real documents carry.
 */
export function documentFor(reads: CapturedQuery[], i: number, padding: number): Record<string, unknown> {
  const doc: Record<string, unknown> = { _id: i === 0 ? undefined : `doc-${i}-${randomUUID().slice(0, 8)}` };
  for (const q of reads) {
    for (const [field, cond] of Object.entries(q.filter)) {
      if (field.startsWith('$')) continue;
      let value: unknown = cond;
      if (isOperatorObject(cond)) {
        const ops = cond as Record<string, unknown>;
        if ('$eq' in ops) value = ops.$eq;
        else if ('$in' in ops) value = (ops.$in as unknown[])[0];
        else if ('$lte' in ops || '$lt' in ops) value = new Date(((ops.$lte ?? ops.$lt) as Date).getTime() - 60_000);
        else if ('$gte' in ops || '$gt' in ops) value = new Date(((ops.$gte ?? ops.$gt) as Date).getTime() + 60_000);
        else continue;
      }
      if (value === undefined) continue;
      if (field === '_id') {
        if (i === 0) doc._id = value;
        continue;
      }
      setPath(doc, field, i === 0 ? value : otherValue(value, i));
    }
    for (const field of Object.keys(q.sort ?? {})) {
      if (field !== '_id' && !(field in doc)) setPath(doc, field, new Date(NOW.getTime() - i * 1000));
    }
  }
  if (doc._id === undefined) doc._id = `doc-0-${randomUUID().slice(0, 8)}`;
  doc.padding = 'x'.repeat(padding);
  return doc;
}
