#!/usr/bin/env node
/**
 * Uploads an image as a seed 001 app does: asks /user/getsts for upload credentials, then puts the
 * file with the unmodified ali-oss client against the platform. Prints the object key (what
 * /user/authnew steps 2-4 take) and a signed URL that shows it, so the printed examples of
 * `npm start` work as often as they are run:
 *
 *   node demo-oss-upload.js <gateway url> <uid> <token> <file> <object name>
 *
 * A demo client, not part of the platform: apps use their own OSS SDK the same way.
 */
import fs from 'node:fs';

interface OssClient {
  put(name: string, body: Buffer): Promise<{ res: { status: number } }>;
  signatureUrl(name: string, options?: { expires: number }): string;
}
// ali-oss ships no TypeScript types; these are the two calls used.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const OSS = require('ali-oss') as new (options: Record<string, unknown>) => OssClient;

interface GetStsAnswer {
  status: number;
  message: string | null;
  attachment: { AccessKeyId: string; AccessKeySecret: string; SecurityToken: string; bucket: string; endpoint: string; region: string; prefix: string } | null;
}

async function main(): Promise<void> {
  const [gateway, uid, token, file, name] = process.argv.slice(2);
  if (!gateway || !uid || !token || !file || !name) throw new Error('usage: demo-oss-upload <gateway url> <uid> <token> <file> <object name>');
  const res = await fetch(`${gateway}/user/getsts`, { method: 'POST', body: new URLSearchParams({ uid, token, local: 'en' }) });
  const sts = (await res.json()) as GetStsAnswer;
  if (sts.status !== 200 || !sts.attachment) throw new Error(`getsts answered ${sts.status}: ${sts.message}`);
  const c = sts.attachment;
  const client = new OSS({
    endpoint: c.endpoint,
    cname: true,
    bucket: c.bucket,
    region: c.region,
    accessKeyId: c.AccessKeyId,
    accessKeySecret: c.AccessKeySecret,
    stsToken: c.SecurityToken,
    // A real app would fetch fresh credentials here when they expire.
    refreshSTSToken: async () => {
      throw new Error('credentials expired: run the demo again');
    },
  });
  const key = `${c.prefix}${name}`;
  await client.put(key, fs.readFileSync(file));
  process.stdout.write(`${JSON.stringify({ key, url: client.signatureUrl(key, { expires: 600 }) })}\n`);
}

if (require.main === module) {
  main().catch((err: Error & { code?: string }) => {
    process.stderr.write(`demo-oss-upload: ${err.code ? `${err.code}: ` : ''}${err.message}\n`);
    process.exit(2);
  });
}
