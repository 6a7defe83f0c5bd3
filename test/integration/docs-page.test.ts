/**
 * The API reference at /docs, opened in a real browser (Debian's Chromium): it renders from the
 * gateway alone (no failed request, no console error, nothing fetched from elsewhere), shows one
 * section per partner contract named with its seed, the callbacks as webhooks, and the worked
 * signing examples. The screenshot is kept as a test artifact (test/artifacts/docs-page.png).
 * Every "npm start (curl)" request example is then run, as printed, against this platform.
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Locator, Page } from 'playwright-core';
import { createPartner, DemoPartnerFile, findRepoRoot, Platform, registerCompanyKey } from '@kyc/dev-platform';
import { launchChromium } from '../support/browser';
import { bootPlatform } from '../support/fixtures';

const ARTIFACTS = path.join(__dirname, '..', 'artifacts');
const SEED_000 = 'Seed 000 · member verification (member-status)';

let platform: Platform;
let browser: Browser;
let page: Page;
const failedRequests: string[] = [];
const foreignRequests: string[] = [];
const consoleErrors: string[] = [];

/** True once the element is visible (scrolled to); throws with Playwright's reason otherwise. */
async function shown(locator: Locator): Promise<boolean> {
  await locator.first().scrollIntoViewIfNeeded({ timeout: 15_000 });
  await locator.first().waitFor({ state: 'visible', timeout: 15_000 });
  return true;
}

/** Opens a section from the side menu (a click on an open group would close it). */
async function openSection(title: string): Promise<void> {
  const entry = page.getByRole('button', { name: `Open Group - ${title}` });
  if (await entry.count()) await entry.first().click();
}

beforeAll(async () => {
  [platform, browser] = await Promise.all([bootPlatform('docs'), launchChromium()]);
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const origin = new URL(platform.gatewayUrl).origin;
  page.on('requestfailed', (r) => failedRequests.push(`${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => void (r.status() >= 400 && failedRequests.push(`${r.url()} HTTP ${r.status()}`)));
  page.on('request', (r) => void (!r.url().startsWith(`${origin}/`) && !r.url().startsWith('data:') && foreignRequests.push(r.url())));
  page.on('console', (m) => void (m.type() === 'error' && consoleErrors.push(m.text())));
  page.on('pageerror', (err) => consoleErrors.push(err.message));
  await page.goto(`${platform.gatewayUrl}/docs`, { waitUntil: 'load' });
  await page.getByText(SEED_000).first().waitFor({ timeout: 30_000 });
});
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

describe('API reference page', () => {
  it('when /docs is opened, then every contract has a section named with its seed, in seed order', async () => {
    const menu = await page.getByText(/^Seed \d{3} · /).allInnerTexts();
    const seeds = [...new Set(menu.map((t) => t.slice(5, 8)))];
    expect(seeds).toEqual(['000', '001', '002', '003', '004']);
    await expect(shown(page.getByRole('heading', { name: SEED_000 }))).resolves.toBe(true);
  });

  it('when the callbacks section is opened, then both webhooks are there with their signature examples', async () => {
    await openSection('Callbacks (webhooks the notifier sends)');
    await page.getByText("A verification of one of the partner's users finished (Standard Webhooks)").first().click();
    await expect(shown(page.getByText('v1,yLc+LTm0fYltSwl9ikDQoSesk1gn3Wmk62epdn/lfiw='))).resolves.toBe(true);
    await page.getByText(/^Member verification result/).first().click();
    await expect(shown(page.getByText('a354049db5b3f222947054e93aaef4472d6e702a'))).resolves.toBe(true);
  });

  it('when the seed 004 section is opened, then its RSA2 worked example shows the string to sign and the signature', async () => {
    await openSection('Seed 004 · ID card check, RSA2-signed (idcard-check)');
    await expect(shown(page.getByText('bizContent={"userId":"demo-user-2"}&charset=utf-8&companyId=2021081811091302'))).resolves.toBe(true);
    await expect(shown(page.getByText(/^DB0a3CxPePCLImIQLj4kghlSrmFATUig/))).resolves.toBe(true);
  });

  it('when the seed 000 section is read, then its worked signing example shows the key, the string to sign and the signature', async () => {
    await page.getByRole('heading', { name: SEED_000 }).first().scrollIntoViewIfNeeded();
    await expect(shown(page.getByText('4f8a1c9e2b7d6035a1e8c4f2b9d7e061'))).resolves.toBe(true);
    await expect(shown(page.getByText(/^app_id=2021081811091302&member=\{"id":1,/))).resolves.toBe(true);
    await expect(shown(page.getByText('3cc4028787300ca740a901080ee69fd330de47db'))).resolves.toBe(true);
    // The picture: the side menu with every seed, and the example down to its signature.
    await page.getByRole('heading', { name: 'Worked signing example' }).first().evaluate((el) => el.scrollIntoView({ block: 'start' }));
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'docs-page.png') });
  });

  it('when an operation is opened, then its request panel shows the example that works against npm start', async () => {
    await page.getByText(/^Submit a member for verification/).first().click();
    await expect(shown(page.getByText('npm start (curl)'))).resolves.toBe(true);
    await expect(shown(page.getByText(/^SIGN="node packages\/dev-platform\/dist\/demo-sign\.js/))).resolves.toBe(true);
  });

  it('when the page has been used, then no request failed, nothing came from another origin and the console has no errors', () => {
    expect(failedRequests).toEqual([]);
    expect(foreignRequests).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});

/** The shell request examples of the served description, in document order. */
async function requestExamples(): Promise<{ operation: string; source: string }[]> {
  const doc = (await (await fetch(`${platform.gatewayUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, any>> };
  return Object.values(doc.paths).flatMap((item) =>
    Object.values(item).flatMap((op) =>
      ((op?.['x-codeSamples'] ?? []) as { label: string; source: string }[])
        .filter((sample) => sample.label === 'npm start (curl)')
        .map((sample) => ({ operation: op.operationId as string, source: sample.source })),
    ),
  );
}

describe('request examples', () => {
  let logs: string;
  beforeAll(async () => {
    // What `npm start` leaves in its log folder for demo-sign.js: the demo partner and its company key.
    const partner = await createPartner(platform, 'docs partner', 'user-validate,member-verify,idcard-check,campus-auth');
    const key = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await registerCompanyKey(platform, partner.app_id, key.publicKey.export({ type: 'spki', format: 'pem' }).toString());
    logs = fs.mkdtempSync(path.join(os.tmpdir(), 'kyc-docs-'));
    const demo: DemoPartnerFile = { ...partner, company_private_key: key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
    fs.writeFileSync(path.join(logs, 'demo-partner.json'), JSON.stringify(demo), { mode: 0o600 });
  });
  afterAll(() => fs.rmSync(logs, { recursive: true, force: true }));

  it('when every contract\'s npm start example is run as documented, then each one succeeds', async () => {
    const examples = await requestExamples();
    const tried: Record<string, unknown> = {};
    for (const { operation, source } of examples) {
      const script = source.replaceAll('http://127.0.0.1:8080', platform.gatewayUrl);
      const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], {
        cwd: findRepoRoot(),
        env: { ...process.env, LOGS: logs },
        timeout: 30_000,
      });
      const answer = JSON.parse(stdout) as { code?: unknown; status?: unknown; success?: unknown; response?: { result?: unknown } };
      // 202: a redaction is accepted, then carried out by every service.
      tried[operation] = answer.code === 200 || answer.code === 202 || answer.status === 200 || answer.success === true || answer.response?.result === 200 ? 'ok' : answer;
    }
    expect(tried).toEqual({
      mintSession: 'ok',
      mintAppToken: 'ok',
      submitMemberVerification: 'ok',
      memberVerificationStatus: 'ok',
      fetchInfo: 'ok',
      idcardCheck: 'ok',
      appGetSts: 'ok',
      rnAuthMobileCode: 'ok',
      requestRedaction: 'ok',
    });
  });
});
