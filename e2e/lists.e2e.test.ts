// Lists that scale, in Debian's Chromium against the built app: 10,000 assessments written
// straight into the device's IndexedDB (as a long-used device holds them), then the site list
// counts them and its unsynced work, the assessment list scrolls (only the rows in view exist),
// each row names its author (offline too, from names the device kept), search finds one while
// typing stays smooth (no long task of 200 ms or more), the filters (unsynced, lost edits, form)
// and orders work, and nothing on the page jumps as it loads (cumulative layout shift below 0.1).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import {
  CAMP_NORTH,
  CAMP_SOUTH,
  DEMO_PASSWORD,
  collectErrors,
  createAssessment,
  launchBrowser,
  newDevice,
  openEntity,
  signIn,
} from './support/browser';
import { type StartedServer, startServer } from './support/server';

const COUNT = 10_000;
const OTHER_USER = '0193a000-0000-7000-8000-0000000000ff';
/** Seeded records whose newest edit lost a conflict: near the end, the middle and the start of the list. */
const LOST_EDITS = [5, 4321, 9990];

declare global {
  interface Window {
    __cls: number;
    __longTasks: number[];
  }
}

/** Layout shifts (not caused by input) and long tasks, recorded from the page's first moment. */
const OBSERVERS = `
  window.__cls = 0;
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
  }).observe({ type: 'layout-shift', buffered: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push(e.duration);
  }).observe({ type: 'longtask', buffered: true });
`;

/** Writes the assessments into the signed-in user's device database (Dexie's own tables). */
async function seed(page: Page, colleague: string): Promise<{ formId: string; conflictIds: string[] }> {
  return page.evaluate(
    async ({ entityId, count, other, colleague, lost }) => {
      const session = JSON.parse(localStorage.getItem('fieldsync.session') ?? '{}') as { user: { id: string } };
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open(`fieldsync-${session.user.id}`);
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      const read = <T,>(store: string) =>
        new Promise<T[]>((resolve, reject) => {
          const r = db.transaction(store).objectStore(store).getAll();
          r.onsuccess = () => resolve(r.result as T[]);
          r.onerror = () => reject(r.error);
        });
      const forms = await read<{ id: string; entityIds: string[] | null }>('forms');
      const form = forms.find((f) => f.entityIds === null || f.entityIds.includes(entityId));
      if (!form) throw new Error('no form cached for the site');
      const hex = (n: number) => n.toString(16).padStart(12, '0');
      const stamp = (i: number) => `${new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString()}-0000-e2e_seed`;
      const tx = db.transaction(['records', 'outbox'], 'readwrite');
      const records = tx.objectStore('records');
      for (let i = 0; i < count; i++) {
        const data: Record<string, unknown> = { title: `Water point ${i}`, answers: [{ question: 'Flow', answer: 'ok' }] };
        if (i % 10 === 0) data.formId = form.id;
        // Every other record is the user's own; the rest are a colleague's or a user the server never named.
        const by = i % 2 === 0 ? session.user.id : i % 4 === 1 ? colleague : other;
        records.put({
          id: `0193b000-0000-7000-8000-${hex(i)}`, type: 'assessment', entityId, data, deleted: false, version: 1, hlc: stamp(i), updatedBy: by,
          server: { version: 1, data, deleted: false, hlc: stamp(i), updatedBy: by },
        });
      }
      // Records whose edit lost a conflict, spread over the list: the outbox keeps each losing change.
      const conflictIds = lost.map((i) => `0193b000-0000-7000-8000-${hex(i)}`);
      lost.forEach((i, n) => {
        tx.objectStore('outbox').add({
          changeId: `0193b000-0000-7000-8000-ffff${hex(i).slice(4)}`, recordId: conflictIds[n], type: 'assessment', entityId, action: 'update', baseVersion: 1,
          hlc: stamp(i - 1), data: { title: `My lost title ${i}` }, parentId: null, sent: true, createdAt: Date.now(), updatedAt: Date.now(),
          status: 'conflict', attempts: 1, lastError: null, winner: 'server', version: null, settledAt: Date.now(),
        });
      });
      await new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      db.close();
      return { formId: form.id, conflictIds };
    },
    { entityId: CAMP_NORTH, count: COUNT, other: OTHER_USER, colleague, lost: LOST_EDITS },
  );
}

const listCount = (page: Page) => page.getByTestId('list-count').getAttribute('data-count');

describe('lists that scale', () => {
  let server: StartedServer;
  let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('search, filter, order and scroll 10,000 assessments smoothly and without layout shift', async () => {
    const device = await newDevice(browser, server.url);
    await device.addInitScript(OBSERVERS);
    const page = await device.newPage();
    const errors = collectErrors(page);
    await signIn(page, 'ana@demo.fieldsync');
    await expect.poll(() => page.evaluate(() => new Promise<number>((resolve) => {
      const session = JSON.parse(localStorage.getItem('fieldsync.session') ?? '{}') as { user: { id: string } };
      const r = indexedDB.open(`fieldsync-${session.user.id}`);
      r.onsuccess = () => {
        const c = r.result.transaction('forms').objectStore('forms').count();
        c.onsuccess = () => { resolve(c.result); r.result.close(); };
      };
    })), { timeout: 30_000 }).toBeGreaterThan(0);
    const cora = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'cora@demo.fieldsync', password: DEMO_PASSWORD }),
    }).then(async (r) => ((await r.json()) as { user: { id: string } }).user.id);
    const { formId, conflictIds } = await seed(page, cora);
    // The seed wrote behind the app's back: Dexie's live-query cache (kept by the open screens,
    // such as the shell's lost-edit count) does not know of it. A device holds such records when
    // the app starts, so the app starts again, reading them as they are.
    await page.reload();
    await page.getByTestId('entity-item').first().waitFor();

    // Opened online once: the device learns the names of the people whose records it holds.
    await openEntity(page, CAMP_NORTH);
    const authorOf = (n: number) => page.getByTestId('assessment-item').nth(n).getByTestId('row-author');
    await expect.poll(() => authorOf(2).textContent(), { timeout: 30_000 }).toContain('By Cora Coordinator');

    // One assessment made offline: unsynced work on the site.
    await device.setOffline(true);
    await createAssessment(page, 'Aardvark latrine check');

    // The site list, read afresh from the device as it mounts; layout shifts count from here.
    await page.evaluate(() => {
      window.__cls = 0;
      window.location.hash = '#/';
    });
    const north = page.locator(`[data-testid="entity-item"][data-entity-id="${CAMP_NORTH}"]`);
    await expect.poll(() => north.getByTestId('site-assessments').textContent(), { timeout: 30_000 }).toBe('10,001 assessments');
    expect(await north.getByTestId('site-unsynced').getAttribute('data-count')).toBe('1');
    expect(await page.locator(`[data-testid="entity-item"][data-entity-id="${CAMP_SOUTH}"] [data-testid="site-unsynced"]`).count()).toBe(0);

    await north.click();
    await expect.poll(() => listCount(page), { timeout: 30_000 }).toBe(String(COUNT + 1));
    await page.getByTestId('assessment-item').first().waitFor();
    // Newest first: the one made today, then the seeded ones from the newest stamp down.
    expect(await page.getByTestId('assessment-item').first().textContent()).toContain('Aardvark latrine check');
    expect(await page.getByTestId('assessment-item').nth(1).textContent()).toContain(`Water point ${COUNT - 1}`);
    const rendered = await page.getByTestId('assessment-item').count();
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(60);
    // Authors by name, offline too: you, a colleague, and "another user" for an id never named, never the id.
    expect(await authorOf(0).textContent()).toContain('By you');
    expect(await authorOf(1).textContent()).toContain('By another user');
    expect(await authorOf(2).textContent()).toContain('By you');
    expect(await authorOf(3).textContent()).toContain('By Cora Coordinator');
    expect(await page.getByTestId('assessment-item').first().textContent()).not.toContain(OTHER_USER);
    expect(await page.getByTestId('assessment-item').nth(1).textContent()).not.toContain(OTHER_USER);

    // Scroll to the middle: the rows there are drawn, still only a screenful of them.
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight / 2));
    const numbers = () =>
      page.getByTestId('assessment-item').evaluateAll((items) => items.map((i) => Number(/Water point (\d+)/.exec(i.textContent ?? '')?.[1] ?? -1)));
    await expect.poll(async () => (await numbers()).some((n) => n > 4500 && n < 5500), { timeout: 15_000 }).toBe(true);
    expect(await page.getByTestId('assessment-item').count()).toBeLessThan(60);
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await page.locator('[data-testid="assessment-item"]').filter({ hasText: /Water point 0$|Water point 0\D/ }).first().waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
    const cls = await page.evaluate(() => window.__cls);
    expect(cls).toBeLessThan(0.1);

    // Typing a search: the list answers with the one match, and no task blocks the page for 200 ms.
    await page.evaluate(() => {
      window.__longTasks = [];
    });
    const search = page.getByTestId('search-input');
    await search.click();
    await search.pressSequentially('point 7777', { delay: 60 });
    await expect.poll(() => listCount(page), { timeout: 30_000 }).toBe('1');
    expect(await page.getByTestId('assessment-item').first().textContent()).toContain('Water point 7777');
    const longest = Math.max(0, ...(await page.evaluate(() => window.__longTasks)));
    expect(longest).toBeLessThan(200);
    await search.fill('');
    await expect.poll(() => listCount(page), { timeout: 30_000 }).toBe(String(COUNT + 1));

    // Filters: unsynced work, assessments from one form.
    const filter = page.getByTestId('list-filter');
    await filter.selectOption('unsynced');
    await expect.poll(() => listCount(page), { timeout: 30_000 }).toBe('1');
    expect(await page.getByTestId('assessment-item').first().getAttribute('data-status')).toBe('pending');
    // Lost edits: exactly the seeded ones, newest first, each marked as lost.
    await filter.selectOption('conflict');
    await expect.poll(() => listCount(page), { timeout: 30_000 }).toBe(String(conflictIds.length));
    const lostRows = page.getByTestId('assessment-item');
    await expect.poll(() => lostRows.evaluateAll((items) => items.map((i) => i.getAttribute('data-record-id'))), { timeout: 30_000 }).toEqual([...conflictIds].reverse());
    expect(await lostRows.evaluateAll((items) => items.map((i) => i.getAttribute('data-status')))).toEqual(conflictIds.map(() => 'lost'));
    await filter.selectOption(`form:${formId}`);
    await expect.poll(() => listCount(page), { timeout: 30_000 }).toBe(String(COUNT / 10));
    expect(await page.getByTestId('assessment-item').first().textContent()).toContain(`Water point ${COUNT - 10}`);
    await filter.selectOption('all');

    // Orders: oldest updated first, then titles A to Z (numbers by value).
    const sort = page.getByTestId('list-sort');
    await sort.selectOption('oldest');
    await expect.poll(() => page.getByTestId('assessment-item').first().textContent(), { timeout: 30_000 }).toContain('Water point 0');
    await sort.selectOption('title');
    await expect.poll(() => page.getByTestId('assessment-item').first().textContent(), { timeout: 30_000 }).toContain('Aardvark latrine check');
    expect(await page.getByTestId('assessment-item').nth(2).textContent()).toContain('Water point 1');

    expect(await page.evaluate(() => window.__cls)).toBeLessThan(0.1);
    // The browser logs each request it could not make while offline; nothing else may be logged.
    expect(errors.filter((e) => !/Failed to load resource|Failed to fetch|ERR_INTERNET_DISCONNECTED|net::/.test(e))).toEqual([]);
    await device.close();
  }, 300_000);
});
