// Exported unsynced work imported on a wiped device, in Debian's Chromium against the built app:
// Ana works offline on one device and exports her unsynced work; a new device (a new browser
// context: empty storage) signs in as Ana, imports the file, and syncs. Each change reaches the
// server once under its original change id; importing the file again adds nothing; Ben's
// device refuses Ana's file. A database the browser deleted by itself gets its unsynced work back
// from the safety copy, and its user is told.
import { readFile } from 'node:fs/promises';
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CAMP_NORTH,
  collectErrors,
  createAssessment,
  launchBrowser,
  newDevice,
  openEntity,
  serverRecords,
  signIn,
  signedIn,
} from './support/browser';
import { pushSent } from './support/push-body';
import { type StartedServer, startServer } from './support/server';

async function openQueue(page: Page): Promise<void> {
  await page.evaluate(() => {
    window.location.hash = '#/queue';
  });
  await page.getByTestId('import-unsynced').waitFor();
}

describe('importing exported unsynced work', () => {
  let server: StartedServer;
  let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('syncs the file’s changes exactly once with their original change ids', async () => {
    // The old device: two assessments made offline, exported.
    const { device: oldDevice, page: old } = await signedIn(browser, server.url, 'ana@demo.fieldsync');
    await oldDevice.setOffline(true);
    await openEntity(old, CAMP_NORTH);
    await createAssessment(old, 'Imported latrine check');
    await createAssessment(old, 'Imported water point');
    await openQueue(old);
    await expect.poll(() => old.getByTestId('queue-item').count()).toBe(2);
    const [download] = await Promise.all([old.waitForEvent('download'), old.getByTestId('export-unsynced').click()]);
    // Kept in memory: the browser's copy goes away with the old device.
    const file = { name: download.suggestedFilename(), mimeType: 'application/json', buffer: await readFile(await download.path()) };
    const exported = JSON.parse(file.buffer.toString('utf8')) as { entries: Array<{ changeId: string; recordId: string }> };
    const changeIds = exported.entries.map((e) => e.changeId).sort();
    expect(changeIds).toHaveLength(2);
    await oldDevice.close(); // the old device is lost with its storage

    // A new device with empty storage: sign in as Ana, import, sync.
    const newer = await newDevice(browser, server.url);
    const page = await newer.newPage();
    const errors = collectErrors(page);
    const pushed: string[] = [];
    page.on('request', (r: Request) => {
      if (r.method() === 'POST' && r.url().endsWith('/api/v1/sync/batch')) pushed.push(...pushSent(r).changeIds);
    });
    await signIn(page, 'ana@demo.fieldsync');
    await openQueue(page);
    await page.getByTestId('import-unsynced').setInputFiles(file);
    await expect.poll(() => page.getByTestId('import-result').textContent(), { timeout: 30_000 }).toBe('2 changes imported, 0 already here.');
    await expect
      .poll(async () => (await serverRecords(server.url, 'ana@demo.fieldsync')).filter((r) => exported.entries.some((e) => e.recordId === r.id)).length, { timeout: 60_000 })
      .toBe(2);
    await expect.poll(() => page.locator('[data-testid="queue-item"][data-status="completed"]').count(), { timeout: 30_000 }).toBe(2);
    expect([...pushed].sort()).toEqual(changeIds);
    const onServer = (await serverRecords(server.url, 'ana@demo.fieldsync')).filter((r) => exported.entries.some((e) => e.recordId === r.id));
    expect(onServer.map((r) => r.version)).toEqual([1, 1]);
    expect(onServer.map((r) => r.data.title).sort()).toEqual(['Imported latrine check', 'Imported water point']);

    // The same file again: nothing new, nothing sent.
    await page.getByTestId('import-unsynced').setInputFiles(file);
    await expect.poll(() => page.getByTestId('import-result').textContent(), { timeout: 30_000 }).toBe('0 changes imported, 2 already here.');
    expect(pushed).toHaveLength(2);
    // The browser logs each request it could not make while offline; nothing else may be logged.
    expect(errors.filter((e) => !/Failed to load resource|Failed to fetch|ERR_INTERNET_DISCONNECTED|net::/.test(e))).toEqual([]);
    await newer.close();

    // Ben's device refuses Ana's work and keeps its queue as it was.
    const { device: benDevice, page: ben } = await signedIn(browser, server.url, 'ben@demo.fieldsync');
    await openQueue(ben);
    await ben.getByTestId('import-unsynced').setInputFiles(file);
    await expect.poll(() => ben.getByTestId('import-result').getAttribute('data-state'), { timeout: 30_000 }).toBe('refused');
    expect(await ben.getByTestId('import-result').textContent()).toContain('another user’s work');
    expect(await ben.getByTestId('queue-item').count()).toBe(0);
    await benDevice.close();
  }, 300_000);

  it('puts unsynced work back from the safety copy when the browser deleted the database, and says so until dismissed', async () => {
    const { device, page } = await signedIn(browser, server.url, 'cora@demo.fieldsync');
    const banner = page.getByTestId('storage-reset');
    await page.reload();
    await page.getByTestId('current-user').waitFor();
    expect(await banner.count()).toBe(0); // a reload keeps the database: nothing to say
    await device.setOffline(true);
    await openEntity(page, CAMP_NORTH);
    const title = 'Saved before the browser deleted the database';
    await createAssessment(page, title);
    // As Chromium does when it finds the database damaged: it is gone; localStorage and Cache Storage stay.
    await page.evaluate(async () => {
      const names = (await indexedDB.databases()).map((d) => d.name ?? '').filter((n) => n.startsWith('fieldsync-'));
      await Promise.all(
        names.map((n) => new Promise<void>((resolve, reject) => {
          const r = indexedDB.deleteDatabase(n);
          r.onsuccess = () => resolve();
          r.onerror = () => reject(r.error);
        })),
      );
    });
    await page.reload();
    await banner.waitFor();
    expect(await banner.getAttribute('role')).toBe('alert');
    expect(await banner.textContent()).toContain('put back: 1 change(s) and 0 photo(s)');
    await device.setOffline(false);
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await expect
      .poll(async () => (await serverRecords(server.url, 'cora@demo.fieldsync')).filter((r) => r.data.title === title).map((r) => r.version), { timeout: 60_000 })
      .toEqual([1]);
    await banner.getByRole('button').click();
    await expect.poll(() => banner.count()).toBe(0);
    await page.reload();
    await page.getByTestId('current-user').waitFor();
    expect(await banner.count()).toBe(0);
    await device.close();
  }, 120_000);
});
