import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { PartnerCredentials, signBody } from './partner-client';
import { findRepoRoot, Platform } from './platform';

/** The sandbox demo rosters of identity-lookup (its README lists their people). */
const DEMO_SCHOOLS = [
  { customerCode: '1001', name: '郑州枫杨外国语学校', ecard: false, dpcode: '00000000' },
  { customerCode: '1002', name: '第二实验小学', ecard: true, dpcode: '10020000' },
];

async function signedPost(gatewayUrl: string, urlPath: string, creds: PartnerCredentials, body: Record<string, unknown>) {
  const res = await fetch(`${gatewayUrl}${urlPath}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(signBody(creds, body)) });
  const answer = (await res.json()) as { code: number; data: Record<string, string> | null; message: string };
  if (answer.code !== 200 || !answer.data) throw new Error(`${urlPath} failed: ${answer.code} ${answer.message}`);
  return answer.data;
}

/**
 * Seed 003 for `npm start`: imports the demo rosters for the partner with the kyc-roster CLI (as an
 * operator would), mints a user access token and an app token, and returns example requests that
 * work as printed (IMPORT, IMPORT-ECARD, RELATION, and the result query by ticket).
 */
export async function campusDemo(platform: Platform, mongoUrl: string, partner: PartnerCredentials): Promise<string[]> {
  const root = findRepoRoot();
  const cli = path.join(root, 'services/identity-lookup/dist/cli/roster-admin.js');
  const env = { ...process.env, MONGO_URL: mongoUrl, MONGO_DB: platform.dbName('identity-lookup'), KYC_MASTER_KEY: platform.masterKey };
  for (const s of DEMO_SCHOOLS) {
    const file = path.join(root, `services/identity-lookup/sandbox/demo-roster-${s.customerCode}.csv`);
    const args = ['import', '--partner', partner.app_id, '--customer-code', s.customerCode, '--name', s.name, '--ecard-school', String(s.ecard), '--dpcode', s.dpcode];
    await promisify(execFile)(process.execPath, [cli, ...args, '--file', file], { env });
  }
  const url = platform.gatewayUrl;
  const users = await Promise.all(['demo-campus-1', 'demo-campus-2', 'demo-campus-3'].map((u) => signedPost(url, '/api/platform/session', partner, { user_id: u })));
  const app = await signedPost(url, '/api/platform/app-token', partner, { grant_type: 'client_credentials' });
  const rnauth = (token: string, body: unknown) =>
    `  curl -s -X POST '${url}/api/ucenter-service-provider/api/user/rnauth' -H 'x-deepcloud-from: client' -H 'authorization: ${token}' -H 'content-type: application/json' -d '${JSON.stringify(body)}'`;
  return [
    `Seed 003 (demo rosters 1001 and 1002 imported; access_token + guid of demo-campus-1..3 and an app token, from /api/platform/session and /api/platform/app-token):`,
    rnauth(users[0].access_token, {
      rnAuthPatternCode: 'IMPORT',
      guid: users[0].guid,
      data: { name: '刘大宝', identityNo: '410102198504120315', outid: '150940', customerCode: '1001', role: 2 },
    }),
    rnauth(users[1].access_token, { rnAuthPatternCode: 'IMPORT-ECARD', data: { name: '李四', outid: '150943', customerCode: '1001' } }),
    rnauth(users[2].access_token, {
      rnAuthPatternCode: 'RELATION',
      data: { name: '王丽', identityNo: '410102198702030425', relation: 'M', outid: '150941', childName: '刘小宝', customerCode: '1001', type: 2 },
    }),
    `  curl -s -H 'x-deepcloud-from: client' -H 'authorization: ${app.access_token}' '${url}/api/ucenter-service-provider/api/user/getresult?rnAuthTicket=RN_AUTH_TICKET'`,
  ];
}
