// Launches Debian's Chromium through playwright-core for the browser tests, with the flags that
// keep it quiet and headless on a machine with no GPU, no sandbox (root) and no outside network.
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A fresh profile (its own IndexedDB, service workers and storage) at a phone-sized viewport. */
export async function newDevice(browser: Browser, baseURL: string): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL, viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
  context.setDefaultTimeout(20_000);
  return context;
}

/** Console errors and uncaught page errors, for a test to assert there were none it did not expect. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return errors;
}

// ── Steps through the app, as a person does them ─────────────────────────────────────────────

export const DEMO_PASSWORD = 'fieldsync-demo';
export const CAMP_NORTH = '0193a000-0000-7000-8000-00000000c001';
export const CAMP_SOUTH = '0193a000-0000-7000-8000-00000000c002';
export const SCREENSHOTS = 'test-results/screenshots';

/** Opens the app and signs in; resolves when the first sync brought the user's sites. */
export async function signIn(page: Page, email: string): Promise<void> {
  await page.goto('/');
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('entity-item').first().waitFor();
}

/**
 * A new device signed in as `email`, on a site's screen when `site` is given; with `acceptDialogs`
 * it says yes to every confirm() from the start.
 */
export async function signedIn(
  browser: Browser,
  baseURL: string,
  email: string,
  opts: { readonly site?: string; readonly acceptDialogs?: boolean } = {},
): Promise<{ device: BrowserContext; page: Page }> {
  const device = await newDevice(browser, baseURL);
  const page = await device.newPage();
  if (opts.acceptDialogs) acceptDialogs(page);
  await signIn(page, email);
  if (opts.site !== undefined) await openEntity(page, opts.site);
  return { device, page };
}

/** Waits until the service worker is active and controls the page (the app shell is precached). */
export async function waitForServiceWorker(page: Page, timeout = 30_000): Promise<void> {
  try {
    await page.waitForFunction(() => navigator.serviceWorker.controller?.state === 'activated', undefined, { timeout });
  } catch (e) {
    const state = await page.evaluate(async () =>
      (await navigator.serviceWorker.getRegistrations()).map((r) => ({
        scope: r.scope,
        installing: r.installing?.state,
        waiting: r.waiting?.state,
        active: r.active?.state,
        controller: navigator.serviceWorker.controller?.state ?? null,
      })),
    );
    throw new Error(`the service worker did not take control: ${JSON.stringify(state)}`, { cause: e });
  }
}

export async function openEntity(page: Page, entityId: string): Promise<void> {
  await page.locator(`[data-testid="entity-item"][data-entity-id="${entityId}"]`).click();
  await page.getByTestId('new-assessment').waitFor();
}

/** From an entity's screen: a new assessment with a title and one answer, saved on the device. */
export async function createAssessment(page: Page, title: string, answer = 'free-form notes'): Promise<void> {
  await page.getByTestId('new-assessment').click();
  await page.getByTestId('assessment-title').fill(title);
  await page.getByTestId('answer-question').first().fill('Observations');
  await page.getByTestId('answer-text').first().fill(answer);
  await page.getByTestId('assessment-save').click();
  await page.getByTestId('toast').filter({ hasText: 'Saved on this device' }).waitFor();
  await page.getByTestId('new-assessment').waitFor();
}

export function assessmentItem(page: Page, title: string) {
  return page.getByTestId('assessment-item').filter({ hasText: title });
}

/** Accept every confirm() (discard, delete, sign out). */
export function acceptDialogs(page: Page): void {
  page.on('dialog', (d) => void d.accept());
}

/** A bearer token for API checks made beside the browser. */
export async function apiToken(baseURL: string, email: string): Promise<string> {
  const res = await fetch(`${baseURL}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: DEMO_PASSWORD }),
  });
  if (!res.ok) throw new Error(`login ${email}: ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

export interface PulledRecord {
  id: string;
  type: string;
  entityId: string;
  version: number;
  deleted: boolean;
  data: Record<string, unknown>;
}

/** Everything the user may see on the server, through the pull endpoint. */
export async function serverRecords(baseURL: string, email: string): Promise<PulledRecord[]> {
  const token = await apiToken(baseURL, email);
  const out: PulledRecord[] = [];
  let cursor: string | null = null;
  for (;;) {
    const q: string = cursor ? `?limit=1000&cursor=${encodeURIComponent(cursor)}` : '?limit=1000';
    const res = await fetch(`${baseURL}/api/v1/sync/pull${q}`, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`pull: ${res.status} ${await res.text()}`);
    const page = (await res.json()) as { changes: PulledRecord[]; cursor: string; hasMore: boolean };
    out.push(...page.changes);
    if (!page.hasMore) return out;
    cursor = page.cursor;
  }
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
}
