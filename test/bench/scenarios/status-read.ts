/**
 * Status reads, the partner calls made most often: seed 000 `member/status` (HMAC-signed, a fresh
 * nonce per request, for a member whose verification succeeded) and seed 002 `fetch_info` (by
 * user_sid, for a user whose case is pending review). Floors: bare express answering a JSON
 * envelope, and express plus one indexed findOne on the same MongoDB-wire server.
 */
import { createPartner, mintSession, PartnerCredentials, signBody } from '@kyc/dev-platform';
import { eventually } from '../../support/fixtures';
import { idNumber } from '../../support/identities';
import { memberStatus, startNotifyReceiver, submitMember } from '../../support/member-client';
import { submitInfo, uploadEvidencePhotos, waitForStatus } from '../../support/review';
import { FloorProcess, startFloorProcess } from '../floors/floor-process';
import { Measured, Row } from '../report';
import { closedLoop, LoadTarget } from './closed-loop';
import { BenchContext, platformPids } from './context';

export interface StatusReadTargets {
  partner: PartnerCredentials;
  /** The seed 000 member whose status is read, and the seed 002 session whose info is fetched. */
  memberUserId: string;
  sid: string;
  member: LoadTarget;
  fetchInfo: LoadTarget;
  floors: { bare: FloorProcess; findOne: FloorProcess };
  close(): Promise<void>;
}

export async function prepareStatusReads(ctx: BenchContext): Promise<StatusReadTargets> {
  const { platform } = ctx;
  const partner = await createPartner(platform, 'bench status reads', 'user-validate,member-verify');
  const receiver = await startNotifyReceiver();

  const memberUserId = 'bench-status-member';
  const submitted = await submitMember(platform, partner, {
    user_id: memberUserId,
    tx_seq_no: 'bench-status-1',
    notify_url: receiver.url,
    member: { id: 1, name: '张三', identity_card_number: idNumber('110101', '19800101', 123) },
  });
  if (submitted.body.code !== 200) throw new Error(`member/verify answered ${submitted.body.code} ${submitted.body.message}`);
  await eventually(async () => ((await memberStatus(platform, partner, { user_id: memberUserId, member: {} })).body.data?.status === 'success' ? true : undefined), 60_000);

  const sid = await mintSession(platform.gatewayUrl, partner, 'bench-status-user');
  await uploadEvidencePhotos(platform, sid);
  await submitInfo(platform, sid, { name: '李四', idcardNumber: idNumber('440305', '19851122', 123) });
  await waitForStatus(platform, sid, 1);

  // The findOne floor reads the member's own subject from the gateway's collection, by its blind index.
  const floorKey = ctx.cipher.blindIndex(`${partner.app_id}\u0000${memberUserId}`, 'partner-user');
  const subject = await ctx.mongo.db(platform.dbName('gateway')).collection('subjects').findOne({ partnerUserKey: floorKey });
  if (!subject) throw new Error('the status-read member has no subject under the expected blind index');
  const bare = await startFloorProcess('express-floor.ts', { FLOOR_MODE: 'bare' });
  const findOne = await startFloorProcess('express-floor.ts', {
    FLOOR_MODE: 'find-one',
    MONGO_URL: ctx.infra.mongoUrl,
    MONGO_DB: platform.dbName('gateway'),
    FLOOR_KEY: floorKey,
  });

  return {
    partner,
    memberUserId,
    sid,
    member: {
      url: platform.gatewayUrl,
      requests: [
        {
          method: 'POST',
          path: '/api/platform/member/status',
          headers: { 'content-type': 'application/json' },
          // Signed afresh per request: every request carries a nonce of its own, as partners send them.
          setupRequest: (req) => ({ ...req, body: JSON.stringify(signBody(partner, { user_id: memberUserId, member: {} })) }),
        },
      ],
      verifyBody: (body) => body.includes('"status":"success"'),
    },
    fetchInfo: {
      url: platform.gatewayUrl,
      requests: [{ method: 'GET', path: `/user/validate/fetch_info/?user_sid=${encodeURIComponent(sid)}` }],
      verifyBody: (body) => body.includes('"validate_status":1'),
    },
    floors: { bare, findOne },
    close: async () => {
      await Promise.all([bare.stop(), findOne.stop(), receiver.close()]);
    },
  };
}

/** The status-read scenario and its floors, measured alternately; `scenario` tells runs apart (e.g. after scaling). */
export async function measureStatusReads(ctx: BenchContext, t: StatusReadTargets, scenario: string): Promise<{ rows: Row[]; memberMax: number; fetchMax: number }> {
  const { settings } = ctx;
  const gateway = ctx.platform.services.gateway.pid!;
  const pids = platformPids(ctx.platform);
  const load = { connections: settings.connections, seconds: settings.readSeconds };
  const floorTarget = (f: FloorProcess, method: string): LoadTarget => ({
    url: f.url,
    requests: [{ method, path: '/status', headers: { 'content-type': 'application/json' }, body: '{"user_id":"bench","member":{}}' }],
    verifyBody: (body) => body.includes('"code":200'),
  });

  // Warm-up (JIT, connection pools, caches), not reported.
  const warm = { connections: settings.connections, seconds: Math.min(2, settings.readSeconds), servedBy: gateway };
  await closedLoop(t.member, warm);
  await closedLoop(t.fetchInfo, warm);

  const measured: Measured[] = [
    { label: 'seed 000 member/status (signed)', kind: 'platform', unit: 'req/s', process: 'gateway', run: () => closedLoop(t.member, { ...load, servedBy: gateway, pids }) },
    { label: 'seed 002 fetch_info', kind: 'platform', unit: 'req/s', process: 'gateway', run: () => closedLoop(t.fetchInfo, { ...load, servedBy: gateway, pids }) },
    { label: 'bare express', kind: 'floor', unit: 'req/s', process: 'floor', run: () => closedLoop(floorTarget(t.floors.bare, 'POST'), { ...load, servedBy: t.floors.bare.pid }) },
    {
      label: 'express + indexed findOne',
      kind: 'floor',
      unit: 'req/s',
      process: 'floor',
      run: () => closedLoop(floorTarget(t.floors.findOne, 'POST'), { ...load, servedBy: t.floors.findOne.pid }),
    },
  ];
  const rows = await ctx.report.compare(scenario, measured, settings.rounds, 'throughput');
  return { rows, memberMax: rows[0].median.throughput, fetchMax: rows[1].median.throughput };
}

/** p99 at 70 % of the maximum rate just measured: the latency a partner sees on a busy but not saturated gateway. */
export async function measureAtSeventyPercent(ctx: BenchContext, t: StatusReadTargets, scenario: string, max: { memberMax: number; fetchMax: number }) {
  const gateway = ctx.platform.services.gateway.pid!;
  const pids = platformPids(ctx.platform);
  const load = { connections: ctx.settings.connections, seconds: ctx.settings.readSeconds, servedBy: gateway, pids };
  const memberRate = 0.7 * max.memberMax;
  const fetchRate = 0.7 * max.fetchMax;
  await ctx.report.compare(
    scenario,
    [
      {
        label: `seed 000 member/status at ${memberRate.toFixed(0)} req/s`,
        kind: 'platform',
        unit: 'req/s',
        process: 'gateway',
        run: () => closedLoop(t.member, { ...load, overallRate: memberRate }),
      },
      {
        label: `seed 002 fetch_info at ${fetchRate.toFixed(0)} req/s`,
        kind: 'platform',
        unit: 'req/s',
        process: 'gateway',
        run: () => closedLoop(t.fetchInfo, { ...load, overallRate: fetchRate }),
      },
    ],
    ctx.settings.rounds,
    'latency',
  );
}
