/**
 * Every hot-path query is served by an index. The hot paths are the table HOT_PATHS in
 * support/hot-paths.ts: each one calls the real repository method, and the command the MongoDB
 * driver sends is what is checked, so a changed filter or sort is checked as changed.
 *
 * Indexes are created the way each service creates them at boot (ensureIndexes on its models).
 * Then, for each query:
 * - on MongoDB (KYC_TEST_MONGO7_URL, or an image to start in KYC_TEST_MONGO7_IMAGE such as
 *   `mongo:7`, or the run's own server when it is MongoDB): explain() must show an index scan,
 *   no collection scan, and no in-memory sort where the order must come from the index;
 * - always, from the indexes the server lists: MongoDB's prefix rule (equality fields, then the
 *   sort, then one range) must find an index bounding the scan (and giving the order, likewise);
 * - on FerretDB v1 (the dev server), explain() reports what it pushes down to its SQL backend
 *   instead: printed, and `_id` lookups must be pushed down. Whether the backend then reads an
 *   index is PostgreSQL's choice (the dev cluster's GIN twins serve pushed-down equality).
 */
import { startMongoWire } from '@kyc/dev-services';
import { asFind, documentAt, documentFor, HOT_PATHS, HotPathRig, servingIndex, shapeOf, type CapturedQuery, type HotPath } from '../support/hot-paths';
import { infra, uniqueNamespace } from '../support/fixtures';

/** Documents per collection around the ones the hot paths find, so "docs examined" means something. */
const OTHER_DOCS = 300;

interface Row {
  path: HotPath;
  read: CapturedQuery;
  index?: string;
  sortByIndex?: boolean;
  plan: string;
  docsExamined: string;
}

type Explain = Record<string, unknown> & { queryPlanner?: Record<string, unknown>; executionStats?: { totalDocsExamined?: number } };

const isFerretDb = (e: Explain) => 'filterPushdown' in e || Boolean((e.serverInfo as Record<string, unknown> | undefined)?.ferretdbVersion);

/** Stage names of a MongoDB winning plan, outermost first (classic and slot-based engines). */
function stagesOf(plan: unknown, out: string[] = []): string[] {
  if (!plan || typeof plan !== 'object') return out;
  const node = plan as Record<string, unknown>;
  if (typeof node.stage === 'string') out.push(node.stage + (typeof node.indexName === 'string' ? `(${node.indexName})` : ''));
  for (const child of ['inputStage', 'queryPlan']) stagesOf(node[child], out);
  for (const child of (node.inputStages as unknown[] | undefined) ?? []) stagesOf(child, out);
  return out;
}

/** FerretDB's backend plan in a few words: SQLite's "SCAN t" / "SEARCH t USING INDEX i", PostgreSQL's node types. */
function ferretPlan(e: Explain): string {
  const plan = e.queryPlanner?.Plan;
  const words: string[] = [];
  if (Array.isArray(plan)) {
    for (const line of plan as string[]) words.push(`sqlite ${String(line).replace(/^.*detail=/, '').replace(/ \S+_[0-9a-f]{8}/, '')}`);
  } else {
    const walk = (node: Record<string, unknown> | undefined) => {
      if (!node) return;
      words.push(`pg ${String(node['Node Type'])}${node['Index Name'] ? ` ${String(node['Index Name'])}` : ''}`);
      for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
    };
    walk(plan as Record<string, unknown> | undefined);
  }
  const pushed = (['filter', 'sort', 'limit'] as const).filter((k) => e[`${k}Pushdown`] === true);
  return `${words.join(' > ')}; pushdown: ${pushed.length ? pushed.join('+') : 'none'}`;
}

async function explain(rig: HotPathRig, read: CapturedQuery): Promise<Explain> {
  const db = rig.db(read.db);
  try {
    return (await db.command({ explain: asFind(read), verbosity: 'executionStats' })) as Explain;
  } catch {
    return (await db.command({ explain: asFind(read) })) as Explain;
  }
}

/** Captures every hot path's reads, fills their collections, and explains each read. */
async function checkServer(label: string, mongoUrl: string): Promise<{ rows: Row[]; ferretDb: boolean }> {
  const rig = await HotPathRig.open(mongoUrl, uniqueNamespace('qidx'));
  try {
    const captured: { path: HotPath; reads: CapturedQuery[] }[] = [];
    for (const path of HOT_PATHS) captured.push({ path, reads: await rig.capture(path) });
    const empty = captured.filter((c) => c.reads.length === 0).map((c) => c.path.name);
    expect(empty).toEqual([]);

    // One matching document per collection and OTHER_DOCS that an index must let the query skip.
    const byCollection = new Map<string, CapturedQuery[]>();
    for (const { reads } of captured) for (const r of reads) byCollection.set(`${r.db}.${r.collection}`, [...(byCollection.get(`${r.db}.${r.collection}`) ?? []), r]);
    for (const reads of byCollection.values()) {
      const docs = Array.from({ length: OTHER_DOCS + 1 }, (_, p) => documentFor(reads, documentAt(p, OTHER_DOCS + 1), 200));
      await rig.db(reads[0].db).collection(reads[0].collection).insertMany(docs as never[], { ordered: false });
    }

    const rows: Row[] = [];
    let ferretDb = false;
    for (const { path, reads } of captured) {
      for (const read of reads) {
        const indexes = (await rig.db(read.db).collection(read.collection).indexes()) as { name: string; key: Record<string, number> }[];
        const choice = servingIndex(indexes, read.filter, read.sort);
        const e = await explain(rig, read);
        ferretDb ||= isFerretDb(e);
        const stages = isFerretDb(e) ? [] : stagesOf((e.queryPlanner as { winningPlan?: unknown } | undefined)?.winningPlan);
        rows.push({
          path,
          read,
          index: choice?.index,
          sortByIndex: choice?.sortByIndex,
          plan: isFerretDb(e) ? ferretPlan(e) : stages.join(' > '),
          docsExamined: e.executionStats?.totalDocsExamined === undefined ? 'n/a' : String(e.executionStats.totalDocsExamined),
        });
        if (!isFerretDb(e)) {
          // MongoDB's own planner: an index scan (or the _id fast path), never a collection scan.
          expect({ path: path.name, plan: stages.join(' > ') }).toEqual({ path: path.name, plan: expect.stringMatching(/IXSCAN|IDHACK|EXPRESS/) as string });
          expect({ path: path.name, collscan: stages.some((s) => s.startsWith('COLLSCAN')) }).toEqual({ path: path.name, collscan: false });
          // SORT is the in-memory sort; SORT_MERGE merges index-ordered scans ($in) and is fine.
          if (path.sorted && read.sort) expect({ path: path.name, blockingSort: stages.includes('SORT') }).toEqual({ path: path.name, blockingSort: false });
        } else if (Object.keys(read.filter).length === 1 && shapeOf(read.filter).equality.has('_id')) {
          // FerretDB's own planner picks no index; what it can do is filter in SQL, which its backend may serve from one.
          expect({ path: path.name, filterPushdown: e.filterPushdown }).toEqual({ path: path.name, filterPushdown: true });
        }
      }
    }
    printTable(label, rows);
    return { rows, ferretDb };
  } finally {
    await rig.close();
  }
}

function printTable(label: string, rows: Row[]): void {
  const lines = rows.map((r) => {
    const shape = shapeOf(r.read.filter);
    const query = `${r.read.collection} {${[...shape.equality].join(',')}${shape.range.size ? ` | range ${[...shape.range].join(',')}` : ''}}${r.read.sort ? ` sort ${Object.entries(r.read.sort).map(([f, d]) => `${f}:${d}`).join(',')}` : ''}`;
    return [r.path.name, query, `${r.index ?? 'NONE'}${r.read.sort ? (r.sortByIndex ? ' (ordered)' : ' (sort in memory)') : ''}`, r.plan, r.docsExamined];
  });
  const head = ['hot path', 'query (equality | range, sort)', 'index (prefix rule)', 'plan', 'docs examined'];
  const widths = head.map((h, c) => Math.min(70, Math.max(h.length, ...lines.map((l) => l[c].length))));
  const fmt = (cells: string[]) => cells.map((cell, c) => cell.padEnd(widths[c])).join(' | ');
  process.stderr.write(`\nHot-path queries on ${label}:\n${fmt(head)}\n${widths.map((w) => '-'.repeat(w)).join('-|-')}\n${lines.map(fmt).join('\n')}\n`);
}

/** Static check over any server's listed indexes: MongoDB's prefix rule finds an index for every read. */
function expectServedByIndexes(rows: Row[]): void {
  const unserved = rows.filter((r) => !r.index).map((r) => `${r.path.name}: ${r.read.collection} ${JSON.stringify(Object.keys(r.read.filter))}`);
  expect(unserved).toEqual([]);
  const unordered = rows.filter((r) => r.path.sorted && r.read.sort && !r.sortByIndex).map((r) => `${r.path.name}: sort ${JSON.stringify(r.read.sort)} by ${r.index ?? 'none'}`);
  expect(unordered).toEqual([]);
}

describe('hot-path queries use indexes', () => {
  it("on the run's MongoDB-wire server: every read has a declared index by MongoDB's prefix rule, and explain() reports the plan", async () => {
    const { rows, ferretDb } = await checkServer('the dev/test server', infra().mongoUrl);
    expectServedByIndexes(rows);
    // Every hot path was explained, one row per read it sends.
    expect(new Set(rows.map((r) => r.path))).toEqual(new Set(HOT_PATHS));
    if (ferretDb) process.stderr.write('(FerretDB v1: the plan column shows what its backend is asked; on the dev PostgreSQL, pushed-down equality is served by the GIN index twins.)\n');
  });

  const mongo7Url = process.env.KYC_TEST_MONGO7_URL;
  const mongo7Image = process.env.KYC_TEST_MONGO7_IMAGE;
  (mongo7Url || mongo7Image ? it : it.skip)('on MongoDB 7 (KYC_TEST_MONGO7_URL or KYC_TEST_MONGO7_IMAGE): explain() shows an index scan for every read', async () => {
    const started = mongo7Url ? undefined : await startMongoWire({ image: mongo7Image });
    try {
      const { rows, ferretDb } = await checkServer('MongoDB 7', mongo7Url ?? started!.mongoUrl);
      expect(ferretDb).toBe(false);
      expectServedByIndexes(rows);
    } finally {
      await started?.stop();
    }
  }, 300_000);
});
