/**
 * Scaling: the read scenarios again after many more subjects are stored, since the cost of a
 * request must not grow with the data. Subjects (and one live session each, as the session
 * endpoint leaves them) are bulk-inserted into the gateway's own `subjects` and `sessions`
 * collections with the platform's blind index and sealing (PiiCipher under the platform's master
 * key, the purposes and contexts of the gateway's session repository), for the same partner the
 * reads are made for. One of them is then looked up through the platform's session endpoint, which
 * must find it: proof that the documents are stored as the platform stores them.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mintAppSession } from '@kyc/dev-platform';
import { Row } from '../report';
import { BenchContext } from './context';
import { measureStatusReads, StatusReadTargets } from './status-read';

const BATCH = 1_000;
/** uids of inserted subjects start here, far above what the platform's counter hands out in a run. */
const UID_BASE = 500_000_000;

async function insertSubjects(ctx: BenchContext, partnerId: string, count: number): Promise<{ userId: string; uid: number }> {
  const db = ctx.mongo.db(ctx.platform.dbName('gateway'));
  const subjects = db.collection('subjects');
  const sessions = db.collection('sessions');
  const expiresAt = new Date(Date.now() + 7_200_000);
  for (let start = 0; start < count; start += BATCH) {
    const subjectDocs: Record<string, unknown>[] = [];
    const sessionDocs: Record<string, unknown>[] = [];
    const now = new Date();
    for (let i = start; i < Math.min(count, start + BATCH); i++) {
      const _id = randomUUID();
      const userId = `bench-scale-${i}`;
      const uid = UID_BASE + i;
      subjectDocs.push({
        _id,
        uid,
        partnerId,
        partnerUserKey: ctx.cipher.blindIndex(`${partnerId}\u0000${userId}`, 'partner-user'),
        partnerUserIdSealed: ctx.cipher.sealString(userId, `subject:${_id}:partner-user-id`),
        createdAt: now,
        updatedAt: now,
      });
      const sid = randomBytes(24).toString('base64url');
      sessionDocs.push({ _id: createHash('sha256').update(sid).digest('hex'), subjectId: _id, uid, partnerId, expiresAt, createdAt: now, updatedAt: now });
    }
    await subjects.insertMany(subjectDocs as never[], { ordered: false });
    await sessions.insertMany(sessionDocs as never[], { ordered: false });
  }
  const probe = Math.floor(count / 2);
  return { userId: `bench-scale-${probe}`, uid: UID_BASE + probe };
}

export async function scaling(ctx: BenchContext, targets: StatusReadTargets, before: Row[]): Promise<void> {
  const { settings } = ctx;
  const t0 = Date.now();
  const probe = await insertSubjects(ctx, targets.partner.app_id, settings.scalingSubjects);
  const seconds = (Date.now() - t0) / 1000;
  const found = await mintAppSession(ctx.platform.gatewayUrl, targets.partner, probe.userId);
  if (found.uid !== probe.uid) throw new Error(`the platform did not find an inserted subject (uid ${found.uid}, inserted ${probe.uid})`);
  const subjects = await ctx.mongo.db(ctx.platform.dbName('gateway')).collection('subjects').estimatedDocumentCount();
  ctx.report.note(
    `Scaling: ${settings.scalingSubjects.toLocaleString('en')} subjects, each with a live session, bulk-inserted (insertMany, ${BATCH} a batch, ` +
      `${seconds.toFixed(0)} s) into the gateway's subjects and sessions collections with the platform's blind index and sealing, ` +
      `for the partner the reads are made for (${subjects.toLocaleString('en')} subjects stored in all); the session endpoint found one of them as its own.`,
  );
  const scenario = `Status read, +${settings.scalingSubjects.toLocaleString('en')} subjects`;
  await measureStatusReads(ctx, targets, scenario);
  // Growth per request: the same reads after / before, by the gateway's CPU per request.
  for (const row of ctx.report.rows.filter((r) => r.scenario === scenario && r.kind === 'platform')) {
    const earlier = before.find((b) => b.label === row.label);
    if (!earlier) continue;
    const cpu = (row.median.cpuMsPerOp ?? NaN) / (earlier.median.cpuMsPerOp ?? NaN);
    const rate = row.median.throughput / earlier.median.throughput;
    row.note = `vs before: CPU/request ${cpu.toFixed(2)}×, throughput ${rate.toFixed(2)}×`;
  }
  ctx.report.write();
}
