/**
 * The reviewer console in a real browser: Debian's chromium driven by playwright-core, against a
 * platform of real services. A reviewer signs in with a token, works the queue oldest first, looks
 * at the photos and rejects a case; partners see the outcome through seed 002's fetch_info. Two
 * reviewers racing on one case: one wins, the other is told so. Screenshots of the queue and of a
 * case are saved to test/artifacts/.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Platform } from '@kyc/dev-platform';
import { launchChromium } from '../support/browser';
import { bootPlatform, eventually, partnerWithUser } from '../support/fixtures';
import { idNumber } from '../support/identities';
import { makeCasePending, newReviewer, ReviewerClient, statusOf, waitForStatus } from '../support/review';

const ARTIFACTS = path.join(__dirname, '..', 'artifacts');
const VIEWPORT = { width: 1360, height: 860 };

let platform: Platform;
let browser: Browser;
let alice: ReviewerClient;
let bob: ReviewerClient;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [platform, browser] = await Promise.all([bootPlatform('console'), launchChromium()]);
  [alice, bob] = await Promise.all([newReviewer(platform, 'Alice Reviewer'), newReviewer(platform, 'Bob Reviewer')]);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
}, 180_000);
afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close().catch(() => undefined)));
  await browser?.close();
  await platform?.stop();
});

/** A fresh browser profile (its own sessionStorage) that records what the page and its photos were served with. */
async function newTab() {
  const context = await browser.newContext({ viewport: VIEWPORT, locale: 'en-GB', timezoneId: 'UTC' });
  contexts.push(context);
  const page = await context.newPage();
  const cspViolations: string[] = [];
  const photoResponses: { status: number; cacheControl: string | undefined }[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  page.on('response', (r) => {
    if (/\/reviewer\/v1\/cases\/[^/]+\/photos\/\d+$/.test(r.url())) photoResponses.push({ status: r.status(), cacheControl: r.headers()['cache-control'] });
  });
  const response = await page.goto(`${platform.reviewerUrl}/console/`);
  return { page, response: response!, cspViolations, photoResponses };
}

async function signIn(page: Page, reviewer: ReviewerClient): Promise<void> {
  await page.getByLabel('Reviewer token').fill(reviewer.token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('Signed in as').waitFor();
}

const queueRows = (page: Page) => page.locator('table.cases tbody tr');

/** What the test reads of an <img> in the page (the test compiles without the DOM library). */
interface ImgElement {
  complete: boolean;
  naturalWidth: number;
  naturalHeight: number;
  src: string;
}

/** Waits until every photo frame of the open case shows a decoded image; returns their natural sizes and sources. */
const renderedPhotos = (page: Page) =>
  eventually(async () => {
    const imgs = await page.locator('.photo img').evaluateAll((els) =>
      els.map((el) => {
        const img = el as unknown as ImgElement;
        return { complete: img.complete, width: img.naturalWidth, height: img.naturalHeight, src: img.src };
      }),
    );
    const frames = await page.locator('.photo').count();
    const ready = frames > 0 && imgs.length === frames && imgs.every((i) => i.complete && i.width > 0);
    return ready ? imgs.map(({ width, height, src }) => ({ width, height, src })) : undefined;
  });

async function openCase(page: Page, caseNumber: number): Promise<void> {
  await page.locator(`tr[data-case-number="${caseNumber}"] a`).click();
  await page.getByRole('heading', { name: `Case ${caseNumber}` }).waitFor();
}

describe('reviewer console', () => {
  const first = { name: '张三', idcardNumber: idNumber('440305', '19851122') };
  const second = { name: '李四', idcardNumber: idNumber('110101', '19900307') };
  let older: { sid: string; caseNumber: number };
  let newer: { sid: string; caseNumber: number };

  beforeAll(async () => {
    const u1 = await partnerWithUser(platform, 'console-1');
    older = { sid: u1.sid, ...(await makeCasePending(platform, u1.sid, first)) };
    const u2 = await partnerWithUser(platform, 'console-2');
    newer = { sid: u2.sid, ...(await makeCasePending(platform, u2.sid, second)) };
  }, 120_000);

  it('when a reviewer signs in and rejects the oldest case with a reason, then the queue, the photos and fetch_info all show it', async () => {
    const { page, response, cspViolations, photoResponses } = await newTab();
    const headers = response.headers();
    expect(headers['content-security-policy']).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    );
    expect(headers['cache-control']).toBe('no-store');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('no-referrer');

    // Before signing in there is a token form and nothing else.
    await page.getByLabel('Reviewer token').waitFor();
    expect(await queueRows(page).count()).toBe(0);
    await page.getByLabel('Reviewer token').fill('rv_0000000000000000.not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'token is not valid' }).waitFor();

    await signIn(page, alice);
    await expect(page.locator('.top .who').textContent()).resolves.toContain(`Signed in as Alice Reviewer (${alice.id})`);
    await queueRows(page).nth(1).waitFor();
    expect(await queueRows(page).evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-case-number'))))).toEqual([
      older.caseNumber,
      newer.caseNumber,
    ]);
    expect(await page.getByTestId('pending-count').textContent()).toBe('2');
    await expect(page.getByTestId('queue-counts').textContent()).resolves.toMatch(/2 pending · oldest waiting (< 1 min|\d+ min)/);
    expect(await queueRows(page).first().locator('td.waiting').textContent()).toMatch(/min/);
    // The queue holds no names or ID numbers; those are in the case view only.
    expect(await page.content()).not.toContain(first.name);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-queue.png') });

    // The oldest case is selected: Enter opens it.
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: `Case ${older.caseNumber}` }).waitFor();
    const photos = await renderedPhotos(page);
    expect(photos).toHaveLength(2);
    for (const p of photos) {
      expect(p).toMatchObject({ width: 64, height: 48 });
      expect(p.src).toMatch(/^blob:/);
    }
    const fields = page.locator('.fields');
    await expect(fields.textContent()).resolves.toContain(first.name);
    await expect(fields.textContent()).resolves.toContain(first.idcardNumber);
    await expect(fields.textContent()).resolves.toContain('No earlier decisions');
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-case.png') });

    // Zoom and rotate act on the selected photo (the first), from the keyboard.
    await page.keyboard.press('+');
    await page.keyboard.press('o');
    await expect(page.locator('.photo.selected .zoom').textContent()).resolves.toBe('150%');
    expect(await page.locator('.photo.selected img').getAttribute('data-rotation')).toBe('90');
    // The 64×48 landscape photo now stands upright.
    const turned = await page.locator('.photo.selected img').boundingBox();
    expect(turned!.height).toBeGreaterThan(turned!.width);

    // r opens the rejection: a reason from the catalog, a note, Enter confirms.
    await page.keyboard.press('r');
    await page.locator('#reason-code').selectOption('PHOTO_UNREADABLE');
    await page.locator('#reason-note').fill('照片模糊');
    await page.locator('#reason-code').press('Enter');
    await page.getByRole('status').filter({ hasText: `Case ${older.caseNumber}, round 1: rejected (PHOTO_UNREADABLE)` }).waitFor();

    expect(await waitForStatus(platform, older.sid, 3)).toMatchObject({ validate_status: 3 });
    expect(await statusOf(platform, newer.sid)).toBe(1);
    await expect(page.getByTestId('pending-count').textContent()).resolves.toBe('1');

    // Photos came with the token, uncached; the page kept to its CSP.
    expect(photoResponses.length).toBeGreaterThanOrEqual(2);
    for (const r of photoResponses) expect(r).toEqual({ status: 200, cacheControl: 'no-store' });
    expect(cspViolations).toEqual([]);

    // Signing out drops the token and everything shown.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Reviewer token').waitFor();
    expect(await page.evaluate<number>('sessionStorage.length')).toBe(0);
    expect(await page.content()).not.toContain(first.name);
    await page.reload();
    await page.getByLabel('Reviewer token').waitFor();
  });

  it('when a rejected case comes back, then the console shows the new round beside the earlier decision', async () => {
    // The oldest case was rejected by Alice above; the user corrects nothing but submits again.
    await makeCasePending(platform, older.sid, first, { photos: false });
    const { page } = await newTab();
    await signIn(page, bob);
    await page.locator(`tr[data-case-number="${older.caseNumber}"]`).waitFor();
    await expect(page.getByTestId('queue-counts').textContent()).resolves.toContain('1 resubmitted after a rejection');
    await openCase(page, older.caseNumber);
    await renderedPhotos(page);
    const rounds = page.locator('.rounds li');
    expect(await rounds.count()).toBe(1);
    const earlier = await rounds.first().innerText();
    for (const shown of ['Round 1: rejected', 'Photo unreadable (PHOTO_UNREADABLE)', `by ${alice.id}`]) expect(earlier).toContain(shown);
    await expect(page.locator('.fields').textContent()).resolves.toMatch(/Round\s*2/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-case-round-2.png') });
  });

  it('when two reviewers decide the same case at once, then one decision wins and the other reviewer sees that someone decided first', async () => {
    const tabs = await Promise.all([newTab(), newTab()]);
    await signIn(tabs[0].page, alice);
    await signIn(tabs[1].page, bob);
    for (const { page } of tabs) {
      await openCase(page, newer.caseNumber);
      await renderedPhotos(page);
    }
    // Alice is ready to approve, Bob to reject; both confirm at the same moment.
    await tabs[0].page.keyboard.press('a');
    await tabs[1].page.keyboard.press('r');
    await tabs[1].page.locator('#reason-code').selectOption('INFO_MISMATCH');
    await Promise.all([
      tabs[0].page.getByRole('button', { name: 'Confirm approval' }).click(),
      tabs[1].page.getByRole('button', { name: 'Confirm rejection' }).click(),
    ]);

    const outcome = async (page: Page) => {
      const won = page.getByRole('status').filter({ hasText: `Case ${newer.caseNumber}, round 1:` });
      const lost = page.getByTestId('conflict');
      await won.or(lost).waitFor();
      return (await lost.isVisible()) ? 'lost' : 'won';
    };
    const [aliceOutcome, bobOutcome] = await Promise.all(tabs.map((t) => outcome(t.page)));
    expect([aliceOutcome, bobOutcome].sort()).toEqual(['lost', 'won']);
    const loser = tabs[aliceOutcome === 'lost' ? 0 : 1].page;
    await expect(loser.getByTestId('conflict').textContent()).resolves.toContain('Another reviewer decided this case first');
    // The loser can no longer decide from the stale view.
    expect(await loser.getByRole('button', { name: /Approve/ }).isDisabled()).toBe(true);

    const status = aliceOutcome === 'won' ? 2 : 3;
    expect(await waitForStatus(platform, newer.sid, status)).toMatchObject({ validate_status: status });
    for (const t of tabs) expect(t.cspViolations).toEqual([]);
  });
});
