#!/usr/bin/env node
/**
 * `npm start`: boots Kafka and a MongoDB-wire server (containers), then the five services, registers
 * a demo partner, and prints the gateway URL with example requests that work as printed.
 * Ctrl-C stops everything.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { startDevServices } from '@kyc/dev-services';
import { freePort } from '@kyc/dev-services';
import { generateKeyPairSync } from 'node:crypto';
import { DemoPartnerFile } from './demo-sign';
import { startDemoPartnerEndpoint } from './demo-partner-endpoint';
import { createPartner, mintAppSession, mintSession, registerCompanyKey } from './partner-client';
import { campusDemo } from './demo-campus';
import { createReviewer } from './reviewer-client';
import { Platform, startPlatform } from './platform';
import { samplePng } from './sample-images';

/**
 * Sandbox identities (valid GB 11643 numbers; the sandbox ID authority decides by the sequence
 * code, digits 15-17: see services/realname-pattern/README.md): 002 and 123 match, 990
 * mismatches. One per demo user: an ID number verified for one user of a partner is that user's.
 */
const DEMO_ID_NUMBER = '11010519491231002X';
const DEMO_MEMBER_ID_NUMBER = '110101199003071233';
const DEMO_MISMATCH_ID_NUMBER = '110101199003079905';
/** Seed 001's demo user (born 1990-03-07, 17th digit even: female); passes the liveness sandbox too. */
const DEMO_APP_ID_NUMBER = '110101199003074565';

/** The wanted port when it is free (8080 by default, as documented), any free port otherwise. */
async function preferredPort(wanted: number): Promise<number> {
  const free = await new Promise<boolean>((resolve) => {
    const srv = net.createServer().once('error', () => resolve(false));
    srv.listen(wanted, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
  return free ? wanted : freePort();
}

async function main() {
  const t0 = Date.now();
  const log = (line: string) => process.stderr.write(`[platform] ${line}\n`);
  // Ctrl-C at any moment stops what has started so far (service processes still starting are
  // ended by ServiceProcess's exit hook).
  const started: {
    infra?: Awaited<ReturnType<typeof startDevServices>>;
    platform?: Platform;
    endpoint?: Awaited<ReturnType<typeof startDemoPartnerEndpoint>>;
  } = {};
  const shutdown = async () => {
    log('stopping');
    await started.endpoint?.close().catch(() => undefined);
    await started.platform?.stop().catch(() => undefined);
    await started.infra?.stop().catch(() => undefined);
    process.exit(0);
  };
  // `on`, not `once`: a library's signal-exit hook re-raises a signal nobody else listens to any
  // more, which would kill this process mid-shutdown. A second Ctrl-C changes nothing.
  let stopping = false;
  const onSignal = () => {
    if (stopping) return;
    stopping = true;
    void shutdown();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  log('starting dev services (Kafka, MongoDB-wire); the first run builds their images');
  const infra = (started.infra = await startDevServices({ log }));
  log(`dev services up: kafka ${infra.kafkaBrokers}, mongo ${infra.mongoUrl}`);
  const platform = (started.platform = await startPlatform({
    kafkaBrokers: infra.kafkaBrokers,
    mongoUrl: infra.mongoUrl,
    gatewayPort: await preferredPort(Number(process.env.GATEWAY_PORT ?? 8080)),
    reviewerPort: await preferredPort(Number(process.env.REVIEWER_PORT ?? 8081)),
  }));
  const partner = await createPartner(platform, 'demo partner', 'user-validate,member-verify,idcard-check,campus-auth');
  const companyKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
  await registerCompanyKey(platform, partner.app_id, companyKey.publicKey.export({ type: 'spki', format: 'pem' }).toString());
  const demoFile = path.join(platform.logDir, 'demo-partner.json');
  const demo: DemoPartnerFile = { ...partner, company_private_key: companyKey.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
  fs.writeFileSync(demoFile, JSON.stringify(demo), { mode: 0o600 });
  const endpoint = (started.endpoint = await startDemoPartnerEndpoint(partner, (line) => process.stdout.write(`${line}\n`)));
  const sign = `node ${path.join(__dirname, 'demo-sign.js')} ${demoFile}`;
  const member = (userId: string, tx: string, idNumber: string) =>
    JSON.stringify({ user_id: userId, tx_seq_no: tx, notify_url: endpoint.url, member: { id: 1, phone: '13499002299', name: '张三', identity_card_number: idNumber } });
  const sid = await mintSession(platform.gatewayUrl, partner, 'demo-user-1');
  const app = await mintAppSession(platform.gatewayUrl, partner, 'demo-user-4');
  const reviewer = await createReviewer(platform, 'demo reviewer');
  const campus = await campusDemo(platform, infra.mongoUrl, partner);
  const url = platform.gatewayUrl;
  const handHeld = path.join(platform.logDir, 'hand-held.png');
  const idFront = path.join(platform.logDir, 'id-front.png');
  const idBack = path.join(platform.logDir, 'id-back.png');
  fs.writeFileSync(handHeld, samplePng(320, 240, 1));
  fs.writeFileSync(idFront, samplePng(320, 240, 2));
  fs.writeFileSync(idBack, samplePng(320, 240, 3));
  const upload = `node ${path.join(__dirname, 'demo-oss-upload.js')} ${url} ${app.uid} ${app.token}`;
  const appCreds = `uid=${app.uid}&token=${app.token}`;
  const step = (params: Record<string, unknown>) =>
    `  curl -s -X POST '${url}/user/authnew' -H 'content-type: application/json' -d '${JSON.stringify({ uid: app.uid, token: app.token, local: 'zh-CN', ...params })}'`;
  process.stdout.write(
    [
      '',
      `KYC platform is up in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
      `  gateway:      ${url}`,
      `  service logs: ${platform.logDir}`,
      `  API docs:     ${url}/docs (OpenAPI: ${url}/openapi.json)`,
      `  reviewer UI:  ${platform.reviewerUrl}/console/ (sign in with reviewer token ${reviewer.token})`,
      `  demo partner: app_id=${partner.app_id} app_secret=${partner.app_secret}`,
      '',
      'Try it (seed 002, user_sid minted for demo-user-1): upload the hand-held and ID-front photos, submit, check',
      `  curl -s '${url}/user/validate/fetch_info/?user_sid=${sid}'`,
      `  curl -s -F 'v_photo=@${handHeld}' '${url}/user/validate/submit_photo/?user_sid=${sid}&t_photo=0'`,
      `  curl -s -F 'v_photo=@${idFront}' '${url}/user/validate/submit_photo/?user_sid=${sid}&t_photo=1'`,
      `  curl -s -X POST '${url}/user/validate/submit_info/' -H 'content-type: application/json' -d '{"data":{"user_sid":"${sid}","name":"张三","idcard_number":"${DEMO_ID_NUMBER}"}}'`,
      `  curl -s '${url}/user/validate/fetch_info/?user_sid=${sid}'`,
      '',
      `Seed 001 (uid ${app.uid} + token of demo-user-4, from the same session endpoint): upload with ali-oss (getsts credentials), the four steps, the echo, liveness (sandbox)`,
      `  curl -s -X POST '${url}/user/getsts' -d '${appCreds}&local=en'`,
      `  ${upload} ${idFront} front.png`,
      `  ${upload} ${idBack} back.png`,
      `  ${upload} ${handHeld} hand.png`,
      step({
        step: 1,
        country: '中国',
        firstName: '李',
        secondName: '小红',
        idNumber: DEMO_APP_ID_NUMBER,
        birthday: '1990-03-07',
        gender: 2,
        isChina: 1,
        currentLocation: 1,
        singnTime: '2016-06-01',
        outofTime: '2036-06-01',
        isAllTime: 0,
      }),
      step({ step: 2, positiveImages: `auth/${app.uid}/front.png`, isChina: 1 }),
      step({ step: 3, oppositeImages: `auth/${app.uid}/back.png`, isChina: 1 }),
      step({ step: 4, handImages: `auth/${app.uid}/hand.png`, isChina: 1 }),
      `  curl -s -X POST '${url}/user/authinfoNew' -d '${appCreds}&local=en'`,
      `  curl -s -X POST '${url}/ali/appToken' -d '${appCreds}&source=2'`,
      `  curl -s -X POST '${url}/ali/vedioAuth' -d '${appCreds}&source=2'`,
      '',
      `Seed 000 (signed with app_secret by ${sign.split(' ')[1]}; the notification goes to a demo endpoint that prints it):`,
      `  curl -s -X POST '${url}/api/platform/member/verify' -H 'content-type: application/json' -d "$(${sign} member '${member('demo-user-2', 'demo-tx-1', DEMO_MEMBER_ID_NUMBER)}')"`,
      `  curl -s -X POST '${url}/api/platform/member/status' -H 'content-type: application/json' -d "$(${sign} member '{"user_id":"demo-user-2","member":{"id":1}}')"`,
      `  curl -s -X POST '${url}/api/platform/member/verify' -H 'content-type: application/json' -d "$(${sign} member '${member('demo-user-3', 'demo-tx-2', DEMO_MISMATCH_ID_NUMBER)}')"`,
      '',
      'Seed 004 (RSA2-signed with the demo company key; demo-user-2 is verified by the first seed 000 request):',
      `  curl -s -X POST '${url}/api/kycloud/open/v1.0/auth/idcard/check' --data "$(${sign} kycloud '{"userId":"demo-user-2"}')"`,
      `  curl -s -X POST '${url}/api/kycloud/open/v1.0/auth/idcard/check' --data "$(${sign} kycloud '{"cardNumber":"${DEMO_MEMBER_ID_NUMBER}"}')"`,
      '',
      ...campus,
      '',
      `Review it in the browser (reviewer UI above), or with the reviewer API on its own port, ${platform.reviewerUrl}:`,
      `  curl -s -H 'authorization: Bearer ${reviewer.token}' '${platform.reviewerUrl}/reviewer/v1/cases'`,
      `  curl -s -X POST -H 'authorization: Bearer ${reviewer.token}' -H 'content-type: application/json' -d '{"decision":"approve","round":1}' '${platform.reviewerUrl}/reviewer/v1/cases/CASE_ID/decision'`,
      '',
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
}

main().catch((err: Error) => {
  process.stderr.write(`[platform] failed: ${err.message}\n`);
  process.exit(1);
});
