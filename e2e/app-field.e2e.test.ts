// The field app in Debian's Chromium against the built app (one server with a fresh database for
// the whole file: starting one takes ~25 s). Each scenario uses new browser contexts, i.e. new
// devices with their own IndexedDB, service worker and storage:
//   1. offline work survives a reload (service worker + IndexedDB), then syncs by itself, and
//      another user of the same entity sees it;
//   2. the server answers 503 for a while: retries with growing delays, then completion, no
//      duplicate on the server;
//   3. two users edit the same assessment offline: the later edit wins, the other device shows
//      its edit lost, and the coordinator restores it;
//   4. a restore the server refuses (its assessment deleted since): the review list stays, the
//      conflict says why, and accept resolves it;
//   5. two tabs of one user: one queue, one sender, each change once.
// Screenshots of the main screens go to test-results/screenshots/.
import { readFile } from 'node:fs/promises';
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acceptDialogs,
  apiToken,
  assessmentItem,
  CAMP_NORTH,
  CAMP_SOUTH,
  collectErrors,
  createAssessment,
  DEMO_PASSWORD,
  launchBrowser,
  newDevice,
  openEntity,
  screenshot,
  serverRecords,
  signedIn,
  signIn,
  waitForServiceWorker,
} from './support/browser';
import { type StartedServer, startServer } from './support/server';
import { pushSent } from './support/push-body';

async function editTitle(page: Page, from: string, to: string): Promise<void> {
  await assessmentItem(page, from).click();
  await page.getByTestId('edit-assessment').click();
  await page.getByTestId('assessment-title').fill(to);
  await page.getByTestId('assessment-save').click();
  await page.getByTestId('toast').filter({ hasText: 'Saved on this device' }).waitFor();
  await page.getByTestId('assessment-heading').filter({ hasText: to }).waitFor();
}

/** A push straight to the API, as a device sends one (for setting up server-side history). */
async function pushApi(url: string, token: string, deviceId: string, changes: unknown[]): Promise<{ successful: unknown[]; conflicts: Array<{ resolution?: string }>; failed: unknown[] }> {
  const res = await fetch(`${url}/api/v1/sync/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ deviceId, changes }),
  });
  const body = (await res.json()) as { successful: unknown[]; conflicts: Array<{ resolution?: string }>; failed: unknown[] };
  if (!res.ok || body.failed.length) throw new Error(`push: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

const queueSettled = (page: Page) => page.locator('[data-testid="queue-item"]:not([data-status="completed"]):not([data-status="conflict"])').count();

async function queue(page: Page): Promise<string[]> {
  return page.getByTestId('queue-item').evaluateAll((items) => items.map((i) => `${i.getAttribute('data-record-id')}:${i.getAttribute('data-status')}`));
}

/**
 * Ana and Ben, each on a device of their own, both hold the synced assessment `original` of Camp
 * South; both go offline, and Ana edits its title first, then Ben (so Ben's stamp is later).
 */
async function twoOfflineEdits(browser: Browser, url: string, original: string, anaTitle: string, benTitle: string) {
  const anaDevice = await newDevice(browser, url);
  const benDevice = await newDevice(browser, url);
  const ana = await anaDevice.newPage();
  const ben = await benDevice.newPage();
  await Promise.all([signIn(ana, 'ana@demo.fieldsync'), signIn(ben, 'ben@demo.fieldsync')]);
  await openEntity(ana, CAMP_SOUTH);
  await createAssessment(ana, original);
  await expect.poll(() => assessmentItem(ana, original).getAttribute('data-status'), { timeout: 15_000 }).toBe('synced');
  await openEntity(ben, CAMP_SOUTH);
  await ben.getByTestId('sync-now').click();
  await assessmentItem(ben, original).waitFor();

  await Promise.all([anaDevice.setOffline(true), benDevice.setOffline(true)]);
  await editTitle(ana, original, anaTitle);
  await ana.waitForTimeout(50);
  await editTitle(ben, original, benTitle);
  return { anaDevice, benDevice, ana, ben };
}

describe('the field app in a browser', () => {
  let server: StartedServer;
  let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('keeps work made offline across a reload, syncs it by itself when back online, and another user sees it', async () => {
    const ana = await newDevice(browser, server.url);
    const page = await ana.newPage();
    const errors = collectErrors(page);
    acceptDialogs(page);

    await page.goto('/');
    await screenshot(page, '01-login');
    await signIn(page, 'ana@demo.fieldsync');
    await expect.poll(() => page.getByTestId('entity-item').count()).toBe(2);
    await waitForServiceWorker(page);
    expect(await page.getByTestId('online-status').textContent()).toBe('online');
    await screenshot(page, '02-sites');

    await ana.setOffline(true);
    await page.getByTestId('online-status').filter({ hasText: 'offline' }).waitFor();
    await page.getByTestId('offline-banner').waitFor();
    await openEntity(page, CAMP_SOUTH);

    // A form checks before saving: no title, nothing saved.
    await page.getByTestId('new-assessment').click();
    await page.getByTestId('assessment-save').click();
    await page.getByText('Give the assessment a title.').waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('assessment-title');
    await screenshot(page, '03-form-errors-offline');
    await page.getByRole('button', { name: 'Cancel' }).click();

    const titles = ['Offline A: water points', 'Offline B: shelter', 'Offline C: latrines'];
    for (const t of titles) await createAssessment(page, t);
    for (const t of titles) expect(await assessmentItem(page, t).getAttribute('data-status')).toBe('pending');

    // Queued work asked for a Background Sync (Chromium has it).
    const tags = await page.evaluate(async () => {
      const reg = (await navigator.serviceWorker.ready) as ServiceWorkerRegistration & { sync: { getTags(): Promise<string[]> } };
      return reg.sync.getTags();
    });
    expect(tags).toContain('fieldsync-outbox');

    // Reload with no network: the service worker serves the app, IndexedDB the data.
    const reloaded = await page.reload();
    expect(reloaded?.fromServiceWorker()).toBe(true);
    await assessmentItem(page, titles[2]!).waitFor();
    for (const t of titles) expect(await assessmentItem(page, t).getAttribute('data-status')).toBe('pending');
    expect(await page.getByTestId('online-status').textContent()).toBe('offline');
    await screenshot(page, '04-pending-after-offline-reload');

    await page.getByTestId('nav-queue').click();
    await expect.poll(() => page.locator('[data-testid="queue-item"][data-status="pending"]').count()).toBe(3);

    // Unsynced work can be exported as a JSON file.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-unsynced').click()]);
    expect(download.suggestedFilename()).toMatch(/^fieldsync-unsynced-.*\.json$/);
    const exported = JSON.parse(await readFile((await download.path())!, 'utf8')) as { format: string; entries: { record: { data: { title: string } } }[] };
    expect(exported.format).toBe('fieldsync-unsynced/1');
    expect(exported.entries.map((e) => e.record.data.title).sort()).toEqual([...titles].sort());

    // Back online: no click, the engine syncs by itself.
    await ana.setOffline(false);
    await expect.poll(() => page.locator('[data-testid="queue-item"][data-status="completed"]').count(), { timeout: 20_000 }).toBe(3);
    expect(await page.getByTestId('queue-item').count()).toBe(3);
    await page.getByTestId('last-synced').filter({ hasText: 'Last synced' }).waitFor();
    await screenshot(page, '05-queue-completed');

    // The service worker's Background Sync handler asks its pages to sync (the engine's trigger).
    await page.evaluate(() => {
      const w = window as unknown as { swMessages: unknown[] };
      w.swMessages = [];
      navigator.serviceWorker.addEventListener('message', (e) => w.swMessages.push(e.data));
    });
    const cdp = await ana.newCDPSession(page);
    const registrationId = new Promise<string>((resolve) =>
      cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => {
        const reg = e.registrations.find((r) => r.scopeURL === `${server.url}/` && !r.isDeleted);
        if (reg) resolve(reg.registrationId);
      }),
    );
    // Installable: Chromium finds nothing missing (manifest, icons, service worker); only the
    // test's throwaway profile itself ("incognito") stands in the way.
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors.map((e) => e.errorId).filter((id) => id !== 'in-incognito')).toEqual([]);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.dispatchSyncEvent', { origin: server.url, registrationId: await registrationId, tag: 'fieldsync-outbox', lastChance: false });
    await expect.poll(() => page.evaluate(() => (window as unknown as { swMessages: unknown[] }).swMessages)).toContainEqual({ type: 'fieldsync:sync' });
    await cdp.detach();

    // Exactly once on the server.
    const onServer = (await serverRecords(server.url, 'ana@demo.fieldsync')).filter((r) => titles.includes(r.data.title as string));
    expect(onServer.map((r) => r.data.title).sort()).toEqual([...titles].sort());
    expect(onServer.every((r) => r.entityId === CAMP_SOUTH && r.version === 1)).toBe(true);

    // Ben shares Camp South with ana: he sees them on his own device.
    const { device: ben, page: benPage } = await signedIn(browser, server.url, 'ben@demo.fieldsync', { site: CAMP_SOUTH });
    for (const t of titles) await assessmentItem(benPage, t).waitFor();
    for (const t of titles) expect(await assessmentItem(benPage, t).getAttribute('data-status')).toBe('synced');
    await screenshot(benPage, '06-ben-sees-them');

    expect(errors.filter((e) => !/Failed to fetch|ERR_INTERNET_DISCONNECTED|net::/.test(e))).toEqual([]);
    await ana.close();
    await ben.close();
  });

  it('retries with growing delays, shows it in the queue, then completes without duplicates', async () => {
    // page.route sees the page's own requests: no service worker in between for this test.
    const context = await browser.newContext({ baseURL: server.url, viewport: { width: 390, height: 844 }, serviceWorkers: 'block' });
    const page = await context.newPage();
    await signIn(page, 'ana@demo.fieldsync');
    await openEntity(page, CAMP_SOUTH);

    const FAILURES = 3;
    const sends: { at: number; changeIds: string[] }[] = [];
    await page.route('**/api/v1/sync/batch', async (route, request: Request) => {
      sends.push({ at: Date.now(), changeIds: pushSent(request).changeIds.sort() });
      if (sends.length <= FAILURES)
        await route.fulfill({
          status: 503,
          contentType: 'application/json',
          body: JSON.stringify({ error: { code: 'UNAVAILABLE', message: 'database unreachable' } }),
        });
      else await route.continue();
    });

    const titles = ['Retry A: food stocks', 'Retry B: clinic queue'];
    // Saved while the first send is failing: both go in the retried batches.
    for (const t of titles) await createAssessment(page, t);
    await page.getByTestId('nav-queue').click();

    // The queue shows the failure, its error and attempts, and when it will be tried again.
    const failed = page.locator('[data-testid="queue-item"][data-status="failed"]').first();
    await failed.waitFor();
    await failed.getByTestId('queue-error').filter({ hasText: '503' }).waitFor();
    await failed.getByTestId('queue-next-retry').waitFor();
    await screenshot(page, '07-queue-retrying');

    await expect.poll(() => page.locator('[data-testid="queue-item"][data-status="completed"]').count(), { timeout: 30_000 }).toBe(2);
    const attempts = await page.getByTestId('queue-attempts').allTextContents();
    expect(attempts.map(Number).every((n) => n >= 2)).toBe(true);

    // Every send after the first is an automatic retry: the delays between them grow
    // (exponential backoff with jitter), and a retried change keeps its change id.
    expect(sends.length).toBe(FAILURES + 1);
    const delays = sends.slice(1).map((s, i) => s.at - sends[i]!.at);
    for (let i = 1; i < delays.length; i++) expect(delays[i]!).toBeGreaterThanOrEqual(delays[i - 1]! * 0.9);
    expect(delays[delays.length - 1]!).toBeGreaterThan(delays[0]! * 1.5);
    const firstIds = sends[0]!.changeIds;
    for (const s of sends) expect(s.changeIds).toEqual(expect.arrayContaining(firstIds));

    // Each change once on the server, whatever the number of sends.
    const onServer = (await serverRecords(server.url, 'ana@demo.fieldsync')).filter((r) => titles.includes(r.data.title as string));
    expect(onServer.map((r) => r.data.title).sort()).toEqual([...titles].sort());
    expect(onServer.every((r) => r.version === 1)).toBe(true);
    console.log(`sends: ${sends.length}, delays between sends of the same batch (ms): ${delays.join(', ')}`);
    await context.close();
  });

  it('the later edit wins, the other device shows its edit lost, and the coordinator restores it', async () => {
    const original = 'Borehole 4 status';
    const anaTitle = 'Borehole 4: pump broken (Ana)';
    const benTitle = 'Borehole 4: pump repaired (Ben)';
    // Both offline; Ana edits first, Ben later (his stamp is later: he wins).
    const { anaDevice, benDevice, ana, ben } = await twoOfflineEdits(browser, server.url, original, anaTitle, benTitle);

    // Ben comes online first and syncs; then Ana, whose edit is based on the version Ben replaced.
    await benDevice.setOffline(false);
    await ben.getByTestId('nav-queue').click();
    await expect.poll(() => queueSettled(ben), { timeout: 20_000 }).toBe(0);
    await anaDevice.setOffline(false);
    await ana.getByTestId('nav-queue').click();
    await ana.locator('[data-testid="queue-item"][data-status="conflict"]').waitFor({ timeout: 20_000 });

    // Ana's device: her edit lost, and what won.
    await ana.getByTestId('nav-conflicts').click();
    // Filtered by what this test wrote: the list also shows Ana's losses on her other devices.
    const lost = ana.getByTestId('lost-edit').filter({ hasText: anaTitle }).first();
    await lost.waitFor();
    expect(await lost.getByTestId('conflict-winner').textContent()).toContain(benTitle);
    expect(await lost.getByTestId('conflict-loser').textContent()).toContain(anaTitle);
    await expect.poll(() => lost.locator('[data-testid="conflict-winner"] dd[data-differs]').allTextContents(), { timeout: 20_000 }).toEqual([benTitle]);
    await screenshot(ana, '08-device-edit-lost');

    // Cora reviews: winner and loser side by side, the title highlighted as the difference.
    const { device: coraDevice, page: cora } = await signedIn(browser, server.url, 'cora@demo.fieldsync', { acceptDialogs: true });
    await cora.getByTestId('nav-conflicts').click();
    const conflict = cora.getByTestId('conflict-item').first();
    await conflict.waitFor();
    expect(await cora.getByTestId('conflict-item').count()).toBe(1);
    const winnerDiff = conflict.locator('[data-testid="conflict-winner"] dd[data-differs]');
    const loserDiff = conflict.locator('[data-testid="conflict-loser"] dd[data-differs]');
    // The sides are drawn once the device has read the records and forms they name: wait for them.
    await expect.poll(() => winnerDiff.allTextContents(), { timeout: 20_000 }).toEqual([benTitle]);
    await expect.poll(() => loserDiff.allTextContents(), { timeout: 20_000 }).toEqual([anaTitle]);
    await screenshot(cora, '09-coordinator-conflict-review');

    await conflict.getByTestId('conflict-restore').click();
    await cora.getByText('No open conflicts.').waitFor();

    // The restored version is a new write on the server, and reaches both devices.
    const record = (await serverRecords(server.url, 'cora@demo.fieldsync')).find((r) => r.data.title === anaTitle);
    expect(record?.version).toBe(3);
    for (const page of [ana, ben]) {
      await page.getByRole('link', { name: 'Sites' }).click();
      await openEntity(page, CAMP_SOUTH);
      await page.getByTestId('sync-now').click();
      await assessmentItem(page, anaTitle).waitFor({ timeout: 15_000 });
      expect(await assessmentItem(page, benTitle).count()).toBe(0);
      expect(await assessmentItem(page, anaTitle).getAttribute('data-status')).toBe('synced');
    }
    await ana.getByTestId('nav-conflicts').click();
    await ana.getByTestId('lost-edit-restored').waitFor();
    await Promise.all([anaDevice.close(), benDevice.close(), coraDevice.close()]);
  });

  it('an edit applied first and replaced by a later-stamped one shows as lost on its device, and the coordinator accepts the winner', async () => {
    const original = 'Latrine block 2';
    const anaTitle = 'Latrine block 2: needs cleaning (Ana)';
    const benTitle = 'Latrine block 2: cleaned (Ben)';
    const { anaDevice, benDevice, ana, ben } = await twoOfflineEdits(browser, server.url, original, anaTitle, benTitle);

    // Ana first: her edit applies. Then Ben's later-stamped edit replaces it (he wins the conflict).
    await anaDevice.setOffline(false);
    await ana.getByTestId('nav-queue').click();
    await expect.poll(() => queueSettled(ana), { timeout: 20_000 }).toBe(0);
    await benDevice.setOffline(false);
    await ben.getByTestId('nav-queue').click();
    await ben.locator('[data-testid="queue-item"][data-status="conflict"]').waitFor({ timeout: 20_000 });

    // Ana's device learns from the server's conflict log that her applied edit lost.
    await ana.getByTestId('sync-now').click();
    await ana.getByTestId('nav-conflicts').click();
    const lost = ana.locator('[data-testid="lost-edit"][data-outcome="open"]').filter({ hasText: anaTitle });
    await lost.waitFor();
    expect(await lost.getByTestId('conflict-winner').textContent()).toContain(benTitle);
    expect(await lost.getByTestId('conflict-loser').textContent()).toContain(anaTitle);

    const { device: coraDevice, page: cora } = await signedIn(browser, server.url, 'cora@demo.fieldsync');
    await cora.getByTestId('nav-conflicts').click();
    await cora.getByTestId('conflict-item').filter({ hasText: benTitle }).getByTestId('conflict-accept').click();
    await cora.getByText('No open conflicts.').waitFor();

    await ana.getByRole('link', { name: 'Sites' }).click();
    await ana.getByTestId('nav-conflicts').click();
    await ana.locator('[data-testid="lost-edit"][data-outcome="accepted"]').filter({ hasText: anaTitle }).waitFor();
    await Promise.all([anaDevice.close(), benDevice.close(), coraDevice.close()]);
  });

  it('a restore the server refuses keeps the review list, says why on that conflict, and accept still resolves it', async () => {
    // Through the API, as two devices would: Ana's answer to an assessment loses to Ben's later
    // edit of it, then the assessment is deleted. Restoring Ana's answer would orphan it.
    const [anaToken, benToken] = await Promise.all([apiToken(server.url, 'ana@demo.fieldsync'), apiToken(server.url, 'ben@demo.fieldsync')]);
    const at = Date.now();
    const stamp = (ms: number, node: string) => `${new Date(at + ms).toISOString()}-0000-${node}`;
    const assessmentId = crypto.randomUUID();
    const responseId = crypto.randomUUID();
    const change = (type: 'assessment' | 'response', action: 'create' | 'update' | 'delete', recordId: string, baseVersion: number, hlc: string, data?: Record<string, unknown>) => ({
      changeId: crypto.randomUUID(),
      type,
      action,
      recordId,
      entityId: CAMP_SOUTH,
      baseVersion,
      hlc,
      ...(data ? { data } : {}),
    });
    await pushApi(server.url, anaToken, 'e2e_ana', [
      change('assessment', 'create', assessmentId, 0, stamp(0, 'e2e_ana'), { title: 'Shelter survey (deleted later)' }),
      change('response', 'create', responseId, 0, stamp(1, 'e2e_ana'), { assessmentId, answer: 'first' }),
    ]);
    await pushApi(server.url, benToken, 'e2e_ben', [change('response', 'update', responseId, 1, stamp(3, 'e2e_ben'), { assessmentId, answer: 'Ben' })]);
    const lost = await pushApi(server.url, anaToken, 'e2e_ana', [change('response', 'update', responseId, 1, stamp(2, 'e2e_ana'), { assessmentId, answer: 'Ana' })]);
    expect(lost.conflicts.map((c) => c.resolution)).toEqual(['server_wins']);
    await pushApi(server.url, anaToken, 'e2e_ana', [change('assessment', 'delete', assessmentId, 1, stamp(4, 'e2e_ana'))]);

    const coraDevice = await newDevice(browser, server.url);
    const cora = await coraDevice.newPage();
    acceptDialogs(cora); // the restore asks first
    await signIn(cora, 'cora@demo.fieldsync');
    await cora.getByTestId('nav-conflicts').click();
    const conflict = cora.locator(`[data-testid="conflict-item"][data-record-id="${responseId}"]`);
    await conflict.getByTestId('conflict-restore').click();
    const refused = conflict.getByTestId('conflict-refused');
    await refused.waitFor();
    expect(await refused.textContent()).toBe('The loser cannot be restored: the assessment is deleted. You can accept the winning version.');
    expect(await conflict.getByTestId('conflict-restore').isDisabled()).toBe(true);
    // The list stays: no review-wide failure in its place, the conflict still shown.
    expect(await cora.locator('section[aria-labelledby="review-heading"] > .banner.error').count()).toBe(0);
    expect(await conflict.isVisible()).toBe(true);
    await screenshot(cora, '10-coordinator-restore-refused');

    await conflict.getByTestId('conflict-accept').click();
    await conflict.waitFor({ state: 'detached' });
    const response = (await serverRecords(server.url, 'cora@demo.fieldsync')).find((r) => r.id === responseId);
    expect(response?.data.answer).toBe('Ben');
    await coraDevice.close();
  });

  it('two tabs of one user share one queue, and only one tab sends each change, once', async () => {
    const device = await browser.newContext({ baseURL: server.url, viewport: { width: 390, height: 844 }, serviceWorkers: 'block' });
    const first = await device.newPage();
    await signIn(first, 'ana@demo.fieldsync');
    const second = await device.newPage();
    await second.goto('/'); // same device: the session and database are shared
    await second.getByTestId('entity-item').first().waitFor();

    const posts = new Map<Page, string[][]>([
      [first, []],
      [second, []],
    ]);
    const encodings: Array<string | null> = [];
    for (const page of [first, second])
      page.on('request', (r) => {
        if (r.method() !== 'POST' || !r.url().endsWith('/api/v1/sync/batch')) return;
        const sent = pushSent(r);
        posts.get(page)!.push(sent.changeIds);
        encodings.push(sent.encoding);
      });

    const titles = ['Tab 1: registration desk', 'Tab 2: distribution point', 'Tab 1: water trucking', 'Tab 2: child space'];
    // Notes long enough that every push is over 1 KB: the engine sends it gzip-encoded.
    const notes = 'Queue at the desk from early morning; families waiting with children; shade and water needed. '.repeat(12);
    await Promise.all([openEntity(first, CAMP_SOUTH), openEntity(second, CAMP_SOUTH)]);
    for (const [i, t] of titles.entries()) await createAssessment(i % 2 === 0 ? first : second, t, notes);

    for (const page of [first, second]) {
      for (const t of titles) await assessmentItem(page, t).waitFor();
      await page.getByTestId('nav-queue').click();
    }
    for (const page of [first, second])
      await expect.poll(() => page.locator('[data-testid="queue-item"][data-status="completed"]').count(), { timeout: 20_000 }).toBe(4);
    expect(await queue(second)).toEqual(await queue(first));
    await screenshot(second, '10-second-tab-queue');

    const senders = [...posts].filter(([, sent]) => sent.length > 0);
    expect(senders.length).toBe(1);
    const changeIds = senders.flatMap(([, sent]) => sent.flat());
    expect(new Set(changeIds).size).toBe(changeIds.length);
    expect(changeIds.length).toBe(4);
    expect(encodings.length).toBeGreaterThan(0);
    expect(encodings.every((e) => e === 'gzip')).toBe(true);
    console.log(`POSTs per tab: ${[...posts.values()].map((p) => p.length).join(' and ')}`);

    const onServer = (await serverRecords(server.url, 'ana@demo.fieldsync')).filter((r) => titles.includes(r.data.title as string));
    expect(onServer.map((r) => r.data.title).sort()).toEqual([...titles].sort());
    await device.close();
  });

  it('edits, deletes, and keeps responses under an assessment, and the server gets each change', async () => {
    const { device, page } = await signedIn(browser, server.url, 'ben@demo.fieldsync', { site: CAMP_SOUTH, acceptDialogs: true });
    await createAssessment(page, 'Clinic waiting times');
    await assessmentItem(page, 'Clinic waiting times').click();

    // A response: checked before saving, then saved and listed under its assessment.
    await page.getByTestId('new-response').click();
    await page.getByTestId('response-save').click();
    await page.getByText('Say who answered.').waitFor();
    await page.getByTestId('response-respondent').fill('Household 12');
    await page.getByTestId('response-notes').fill('Waited 3 hours');
    await page.getByTestId('response-save').click();
    await page.getByTestId('response-item').filter({ hasText: 'Household 12' }).waitFor();
    await page.getByTestId('new-response').click();
    await page.getByTestId('response-respondent').fill('Household 14');
    await page.getByTestId('response-save').click();
    await expect.poll(() => page.getByTestId('response-item').count()).toBe(2);
    await page.getByRole('button', { name: 'Delete response of Household 14' }).click();
    await expect.poll(() => page.getByTestId('response-item').count()).toBe(1);

    // Edit the assessment's answers.
    await page.getByTestId('edit-assessment').click();
    await page.getByTestId('answer-text').first().fill('Average wait 2 h 40');
    await page.getByTestId('assessment-save').click();
    await page.getByText('Average wait 2 h 40').waitFor();
    await screenshot(page, '11-assessment-with-responses');

    await page.getByTestId('nav-queue').click();
    await expect.poll(() => page.locator('[data-testid="queue-item"]:not([data-status="completed"])').count(), { timeout: 15_000 }).toBe(0);
    let records = await serverRecords(server.url, 'ben@demo.fieldsync');
    const assessment = records.find((r) => r.data.title === 'Clinic waiting times')!;
    expect(assessment.data.answers).toEqual([{ question: 'Observations', answer: 'Average wait 2 h 40' }]);
    const responses = records.filter((r) => r.type === 'response' && r.data.assessmentId === assessment.id);
    expect(responses.filter((r) => !r.deleted).map((r) => r.data.respondent)).toEqual(['Household 12']);

    // Delete the assessment (asks first): a tombstone reaches the server.
    await page.getByRole('link', { name: 'Sites' }).click();
    await openEntity(page, CAMP_SOUTH);
    await assessmentItem(page, 'Clinic waiting times').click();
    await page.getByTestId('delete-assessment').click();
    await page.getByTestId('new-assessment').waitFor();
    expect(await assessmentItem(page, 'Clinic waiting times').count()).toBe(0);
    await page.getByTestId('nav-queue').click();
    await expect.poll(() => page.locator('[data-testid="queue-item"]:not([data-status="completed"])').count(), { timeout: 15_000 }).toBe(0);
    records = await serverRecords(server.url, 'ben@demo.fieldsync');
    expect(records.find((r) => r.id === assessment.id)?.deleted).toBe(true);
    await device.close();
  });

  it('keeps work when the session expires, and syncs it after signing in again', async () => {
    const { device, page } = await signedIn(browser, server.url, 'ana@demo.fieldsync');
    await waitForServiceWorker(page);
    await device.setOffline(true);
    await openEntity(page, CAMP_SOUTH);
    await createAssessment(page, 'Made before the token expired');
    // The stored token stops being valid while the device is offline (as an expired one would).
    await page.evaluate(() => {
      const s = JSON.parse(localStorage.getItem('fieldsync.session')!) as { token: string };
      localStorage.setItem('fieldsync.session', JSON.stringify({ ...s, token: 'expired.token.value' }));
    });
    await page.reload();
    await assessmentItem(page, 'Made before the token expired').waitFor();
    await device.setOffline(false);

    await page.getByRole('button', { name: 'Sign in again' }).click();
    await page.getByTestId('relogin-panel').waitFor();
    expect(await assessmentItem(page, 'Made before the token expired').count()).toBe(1); // the form opens above the screen, never in its place
    await page.getByTestId('login-email').fill('ana@demo.fieldsync');
    await page.getByTestId('login-password').fill(DEMO_PASSWORD);
    await screenshot(page, '12-sign-in-again');
    await page.getByTestId('login-submit').click();
    await expect.poll(() => assessmentItem(page, 'Made before the token expired').getAttribute('data-status'), { timeout: 15_000 }).toBe('synced');
    await device.close();
  });

  it('a change the server rejects waits for the user, who can retry it or discard it (after confirming)', async () => {
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ana@demo.fieldsync', password: DEMO_PASSWORD }),
    });
    const anaId = ((await login.json()) as { user: { id: string } }).user.id;
    const admin = await apiToken(server.url, 'admin@demo.fieldsync');
    const assign = (entityIds: string[]) =>
      fetch(`${server.url}/api/v1/admin/users/${anaId}/assignments`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
        body: JSON.stringify({ entityIds }),
      });

    const device = await newDevice(browser, server.url);
    const page = await device.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.accept();
    });
    await signIn(page, 'ana@demo.fieldsync');
    await device.setOffline(true);
    await openEntity(page, CAMP_NORTH);
    await createAssessment(page, 'North survey, saved before reassignment');
    // Meanwhile Ana loses Camp North: her change will be refused (FORBIDDEN), not retried by itself.
    expect((await assign([CAMP_SOUTH])).status).toBe(200);
    try {
      await device.setOffline(false);
      await page.getByTestId('nav-queue').click();
      const rejected = page.locator('[data-testid="queue-item"][data-status="rejected"]');
      await rejected.waitFor({ timeout: 20_000 });
      await rejected.getByTestId('queue-error').waitFor();
      await screenshot(page, '13-queue-rejected');

      // Retry sends it again (the server refuses it again).
      let sends = 0;
      page.on('request', (r) => {
        if (r.method() === 'POST' && r.url().endsWith('/api/v1/sync/batch')) sends++;
      });
      await rejected.getByTestId('queue-retry').click();
      await expect.poll(() => sends, { timeout: 15_000 }).toBe(1);
      await page.locator('[data-testid="queue-item"][data-status="rejected"]').waitFor();

      await rejected.getByTestId('queue-discard').click();
      await expect.poll(() => page.getByTestId('queue-item').count()).toBe(0);
      expect(dialogs.some((m) => m.startsWith('Discard this change'))).toBe(true);
      const onServer = await serverRecords(server.url, 'cora@demo.fieldsync');
      expect(onServer.some((r) => r.data.title === 'North survey, saved before reassignment')).toBe(false);
    } finally {
      await assign([CAMP_NORTH, CAMP_SOUTH]);
      await device.close();
    }
  });
});
