// The admin console in Debian's Chromium against the built app (one server, fresh database):
//   1. an admin adds a site and a user, assigns the site; the user signs in and sees it;
//   2. deactivating that user ends their session at once: their next sync asks them to sign
//      in again, and their password no longer works;
//   3. a coordinator sees the people of their own sites, and nothing to change them with;
//   4. the API reference lists every endpoint of the served OpenAPI document.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectErrors, launchBrowser, newDevice, screenshot, signIn } from './support/browser';
import { type StartedServer, startServer } from './support/server';

const SITE = 'Hilltop School';
const USER = { email: 'fatima@example.org', name: 'Fatima Field', password: 'fatima-password' };

async function signInWith(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/');
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

const userItem = (page: Page, email: string) => page.locator(`[data-testid="admin-user"][data-email="${email}"]`);

describe('the admin console in a browser', () => {
  let server: StartedServer;
  let browser: Browser;
  let admin: Page;
  let adminErrors: string[];
  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
    admin = await (await newDevice(browser, server.url)).newPage();
    adminErrors = collectErrors(admin);
    await signIn(admin, 'admin@demo.fieldsync');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('lets an admin add a site and a user and assign them; the user signs in and sees the site', async () => {
    await admin.getByTestId('nav-admin').click();
    await admin.getByTestId('admin-console').waitFor();
    await userItem(admin, 'ana@demo.fieldsync').waitFor();

    await admin.getByTestId('admin-add-site').click();
    await admin.getByTestId('new-site-name').fill(SITE);
    await admin.getByTestId('new-site-kind').fill('school');
    await admin.getByTestId('new-site-submit').click();
    await admin.locator(`[data-testid="admin-site"][data-name="${SITE}"]`).waitFor();

    await admin.getByTestId('admin-add-user').click();
    await admin.getByTestId('new-user-email').fill(USER.email);
    await admin.getByTestId('new-user-name').fill(USER.name);
    await admin.getByTestId('new-user-role').selectOption('field_worker');
    await admin.getByTestId('new-user-password').fill(USER.password);
    await admin.getByTestId('new-user-submit').click();
    const fatima = userItem(admin, USER.email);
    await fatima.waitFor();
    expect(await fatima.getByTestId('admin-user-sites').textContent()).toBe('no sites');

    await fatima.getByTestId('admin-user-manage').click();
    await fatima.locator(`[data-testid="admin-user-site"][data-site="${SITE}"]`).check();
    await fatima.getByTestId('admin-user-save-sites').click();
    await expect.poll(() => fatima.getByTestId('admin-user-sites').textContent()).toBe(SITE);
    await admin.screenshot({ path: '/tmp/admin-console.png', fullPage: true });
    await screenshot(admin, '10-admin-console');

    const device = await newDevice(browser, server.url);
    const page = await device.newPage();
    await signInWith(page, USER.email, USER.password);
    await page.getByTestId('entity-item').first().waitFor();
    expect(await page.getByTestId('entity-item').allTextContents()).toEqual([expect.stringContaining(SITE)]);
    expect(await page.getByTestId('nav-admin').count()).toBe(0);

    // 2. Deactivated: the very next request of that session is refused.
    await fatima.getByTestId('admin-user-deactivate').click();
    await expect.poll(() => fatima.getAttribute('data-active')).toBe('false');
    // Sync now asks at once; the device may have been refused first by itself (its live stream or
    // a timed sync), and then Sync now is disabled, as it cannot help.
    await page.getByTestId('sync-now').click({ timeout: 5_000 }).catch(() => undefined);
    await page.getByText('Your session has expired').waitFor();
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: USER.email, password: USER.password }),
    });
    expect(login.status).toBe(401);
    expect(((await login.json()) as { error: { code: string } }).error.code).toBe('INVALID_CREDENTIALS');
    await device.close();
    expect(adminErrors.filter((e) => !e.includes('401'))).toEqual([]);
  });

  it('shows a coordinator the people of their own sites, with nothing to change them with', async () => {
    const page = await (await newDevice(browser, server.url)).newPage();
    await signIn(page, 'cora@demo.fieldsync');
    await page.getByTestId('nav-admin').click();
    await userItem(page, 'ana@demo.fieldsync').waitFor();
    const emails = await page.getByTestId('admin-user').evaluateAll((items) => items.map((i) => i.getAttribute('data-email')));
    expect(emails).toContain('ben@demo.fieldsync');
    expect(emails).not.toContain(USER.email); // not on any of Cora's sites
    expect(emails).not.toContain('admin@demo.fieldsync');
    for (const control of ['admin-user-manage', 'admin-add-user', 'admin-add-site', 'admin-site-rename']) expect(await page.getByTestId(control).count(), control).toBe(0);
    await page.getByText('Read-only: ask an admin to change them.').waitFor();
  });

  it('shows the API reference of every endpoint, from the served document', async () => {
    const page = await (await newDevice(browser, server.url)).newPage();
    await page.goto('/#/reference');
    await page.getByTestId('api-reference').waitFor();
    const doc = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    const shown = await page.getByTestId('api-operation').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-method')} ${e.getAttribute('data-path')}`));
    expect(shown.sort()).toEqual(documented.sort());
    expect(shown).toContain('PATCH /api/v1/admin/users/{id}');
  });
});
