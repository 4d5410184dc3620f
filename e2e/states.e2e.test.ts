// What the app says about its connection, in Debian's Chromium against the built app (one server
// for the file). Each scenario is a new device:
//   1. the server stops answering (requests aborted): "can't reach server", never "online" or
//      "busy"; then back;
//   2. the device goes offline: "offline", and "Sync now" disabled with its reason;
//   3. the server answers 503 with Retry-After: a readable progress bar while sending, then
//      "server busy" with the next try;
//   4. the session expires: offline the app never asks to sign in and keeps the data in view;
//      back online it asks, and signing in again keeps the data in view;
//   5. a device clock a day off gets a warning.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assessmentItem,
  CAMP_SOUTH,
  createAssessment,
  DEMO_PASSWORD,
  launchBrowser,
  openEntity,
  screenshot,
  signIn,
} from './support/browser';
import { type StartedServer, startServer } from './support/server';

/** A device whose page requests page.route sees (no service worker in between). */
async function plainDevice(browser: Browser, url: string): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: url, viewport: { width: 390, height: 844 }, serviceWorkers: 'block' });
  context.setDefaultTimeout(20_000);
  return context;
}

const connection = (page: Page) => page.getByTestId('online-status').textContent();
const connectionState = (page: Page) => page.locator('.badge.connection').getAttribute('data-state');
const syncText = (page: Page) => page.locator('[data-testid="sync-progress"] .sync-text').textContent();

describe('honest connection states', () => {
  let server: StartedServer;
  let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('says it cannot reach the server when requests fail, not "online" or "busy", and "online" again once they succeed', async () => {
    const device = await plainDevice(browser, server.url);
    const page = await device.newPage();
    await signIn(page, 'ana@demo.fieldsync');
    await expect.poll(() => connection(page)).toBe('online');

    await page.route('**/api/v1/**', (route) => route.abort('connectionrefused'));
    await openEntity(page, CAMP_SOUTH);
    await createAssessment(page, 'Made while the server is down');
    await expect.poll(() => connectionState(page), { timeout: 20_000 }).toBe('unreachable');
    expect(await connection(page)).toBe('can’t reach server');
    expect(await syncText(page)).toContain('Can’t reach the server');
    expect(await syncText(page)).not.toMatch(/busy/i);
    await screenshot(page, 'states-unreachable');

    await page.unroute('**/api/v1/**');
    await page.getByTestId('sync-now').click();
    await expect.poll(() => connectionState(page), { timeout: 20_000 }).toBe('online');
    await expect.poll(() => assessmentItem(page, 'Made while the server is down').getAttribute('data-status'), { timeout: 20_000 }).toBe('synced');
    await device.close();
  });

  it('offline, says so and disables "Sync now" with the reason', async () => {
    const device = await plainDevice(browser, server.url);
    const page = await device.newPage();
    await signIn(page, 'ana@demo.fieldsync');
    await device.setOffline(true);
    await expect.poll(() => connectionState(page)).toBe('offline');
    expect(await connection(page)).toBe('offline');
    await page.getByTestId('offline-banner').waitFor();
    expect(await page.getByTestId('sync-now').isDisabled()).toBe(true);
    const reason = page.getByTestId('sync-now-reason');
    expect(await reason.getAttribute('data-reason')).toBe('offline');
    expect(await reason.textContent()).toContain('Offline');
    // The reason is the button's description for screen readers too.
    expect(await page.getByTestId('sync-now').getAttribute('aria-describedby')).toBe('sync-now-reason');

    await openEntity(page, CAMP_SOUTH);
    await createAssessment(page, 'Made offline, waits');
    expect(await syncText(page)).toContain('1 change saved on this device');
    expect(await assessmentItem(page, 'Made offline, waits').getAttribute('data-status')).not.toBe('rejected');
    await device.setOffline(false);
    await expect.poll(() => assessmentItem(page, 'Made offline, waits').getAttribute('data-status'), { timeout: 20_000 }).toBe('synced');
    await device.close();
  });

  it('shows sending progress as a readable bar, then "server busy" (not unreachable) on 503 with Retry-After', async () => {
    const device = await plainDevice(browser, server.url);
    const page = await device.newPage();
    await signIn(page, 'ana@demo.fieldsync');
    await openEntity(page, CAMP_SOUTH);

    // The first push waits until the test has looked at the progress bar; every push then answers 503.
    let release!: () => void;
    const looked = new Promise<void>((resolve) => (release = resolve));
    let pushes = 0;
    await page.route('**/api/v1/sync/batch', async (route) => {
      pushes++;
      if (pushes === 1) await looked;
      await route.fulfill({
        status: 503,
        headers: { 'content-type': 'application/json', 'retry-after': '30' },
        body: JSON.stringify({ error: { code: 'UNAVAILABLE', message: 'busy' } }),
      });
    });
    await createAssessment(page, 'Sent to a busy server');
    const bar = page.getByTestId('sync-bar');
    await bar.waitFor();
    expect(await syncText(page)).toBe('Sending 0 of 1');
    const box = await bar.boundingBox();
    const statusbar = await page.locator('.statusbar').boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(8);
    expect(box!.width).toBeGreaterThan(statusbar!.width * 0.5);
    await screenshot(page, 'states-sending');
    release();

    await expect.poll(() => connectionState(page), { timeout: 20_000 }).toBe('busy');
    expect(await connection(page)).toBe('server busy');
    expect(await syncText(page)).toContain('The server is busy');
    expect(await syncText(page)).toMatch(/Trying again in \d+ seconds\./);
    await screenshot(page, 'states-busy');

    await page.unroute('**/api/v1/sync/batch');
    await page.getByTestId('sync-now').click();
    await expect.poll(() => assessmentItem(page, 'Sent to a busy server').getAttribute('data-status'), { timeout: 20_000 }).toBe('synced');
    await expect.poll(() => connectionState(page), { timeout: 20_000 }).toBe('online');
    await device.close();
  });

  it('an expired session never hides the data: offline it does not ask, back online it asks, and signing in keeps the screen', async () => {
    const device = await plainDevice(browser, server.url);
    const page = await device.newPage();
    await signIn(page, 'ana@demo.fieldsync');
    await openEntity(page, CAMP_SOUTH);
    await createAssessment(page, 'Kept through an expired session');
    await expect.poll(() => assessmentItem(page, 'Kept through an expired session').getAttribute('data-status'), { timeout: 20_000 }).toBe('synced');

    // The server starts refusing the token, as it does once it expires.
    await page.route('**/api/v1/sync/**', (route) =>
      route.fulfill({ status: 401, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: { code: 'UNAUTHENTICATED', message: 'token expired' } }) }),
    );
    await createAssessment(page, 'Made after it expired');
    await page.getByRole('button', { name: 'Sign in again' }).waitFor();
    expect(await connection(page)).toBe('session expired');

    await device.setOffline(true);
    await expect.poll(() => connectionState(page)).toBe('offline');
    expect(await page.getByRole('button', { name: 'Sign in again' }).count()).toBe(0);
    expect(await page.getByTestId('login-password').count()).toBe(0);
    await assessmentItem(page, 'Made after it expired').waitFor();
    await assessmentItem(page, 'Kept through an expired session').waitFor();

    await device.setOffline(false);
    await page.getByRole('button', { name: 'Sign in again' }).click();
    await page.getByTestId('relogin-panel').waitFor();
    // The form opens above the screen: the data stays in view.
    expect(await assessmentItem(page, 'Made after it expired').isVisible()).toBe(true);
    await page.unroute('**/api/v1/sync/**');
    await page.getByTestId('login-password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('relogin-panel').waitFor({ state: 'detached' });
    await expect.poll(() => assessmentItem(page, 'Made after it expired').getAttribute('data-status'), { timeout: 20_000 }).toBe('synced');
    await device.close();
  });

  it('warns when the device clock is a day off the server’s', async () => {
    const device = await plainDevice(browser, server.url);
    // The page's clock runs a day behind; the server's does not.
    await device.addInitScript(() => {
      const RealDate = Date;
      const OFFSET = -24 * 60 * 60 * 1000;
      class SkewedDate extends RealDate {
        constructor(...args: unknown[]) {
          if (args.length === 0) super(RealDate.now() + OFFSET);
          else super(...(args as [number]));
        }
        static override now() {
          return RealDate.now() + OFFSET;
        }
      }
      globalThis.Date = SkewedDate as DateConstructor;
    });
    const page = await device.newPage();
    await signIn(page, 'ben@demo.fieldsync');
    const warning = page.getByTestId('clock-warning');
    await warning.waitFor();
    expect(await warning.textContent()).toContain('1 day behind');
    await screenshot(page, 'states-clock-warning');

    const right = await plainDevice(browser, server.url);
    const other = await right.newPage();
    // A device with the right clock: once the server's time has come, no warning.
    const statusAnswered = other.waitForResponse((r) => r.url().endsWith('/api/v1/sync/status') && r.ok(), { timeout: 30_000 });
    await signIn(other, 'ben@demo.fieldsync');
    await statusAnswered;
    // Two frames: React has rendered what the answer said.
    await other.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    expect(await other.getByTestId('clock-warning').count()).toBe(0);
    await Promise.all([device.close(), right.close()]);
  });
});
