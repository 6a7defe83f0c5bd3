/**
 * The status-read floors: express with its JSON body parser answering a small JSON envelope, the
 * least a status endpoint does. FLOOR_MODE=find-one adds what a status read cannot do without: one
 * findOne by a unique indexed key on the same MongoDB-wire server (the gateway's own subjects
 * collection, by the blind index of a subject that exists), as a status read resolves its subject.
 *
 * Env: FLOOR_MODE (bare | find-one), MONGO_URL, MONGO_DB, FLOOR_KEY. Prints "listening <port>".
 */
import express from 'express';
import { MongoClient } from 'mongodb';

async function main(): Promise<void> {
  const mode = process.env.FLOOR_MODE ?? 'bare';
  const app = express();
  app.use(express.json());
  let lookup: () => Promise<unknown> = async () => ({ uid: 1 });
  if (mode === 'find-one') {
    const client = await new MongoClient(process.env.MONGO_URL!, { serverSelectionTimeoutMS: 10_000 }).connect();
    const subjects = client.db(process.env.MONGO_DB!).collection<{ _id: string; uid: number }>('subjects');
    const key = process.env.FLOOR_KEY!;
    lookup = () => subjects.findOne({ partnerUserKey: key }, { projection: { uid: 1 }, maxTimeMS: 5_000 });
  }
  const answer = async (_req: express.Request, res: express.Response) => {
    const found = await lookup();
    if (!found) return res.status(404).json({ code: 404, data: null, message: 'not found' });
    res.json({ code: 200, data: { status: 'success', found }, message: 'success' });
  };
  app.get('/status', answer);
  app.post('/status', answer);
  const server = app.listen(0, '127.0.0.1', () => {
    process.stdout.write(`listening ${(server.address() as { port: number }).port}\n`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

main().catch((err: Error) => {
  process.stderr.write(`express floor failed: ${err.message}\n`);
  process.exit(1);
});
