// End to end in a real browser, the other way: a fresh device in Chromium (the app's engine,
// bundled as in browser.ts, a new IndexedDB database each run) signs in and pulls the n records
// its user may see, in pages of the protocol's default size, each stored with its cursor in one
// transaction. Measured: from opening the engine with a token until its first sync run is over
// (the push finds nothing; the pull is the run). Beside it, in each run just before, the
// baseline: the bench's Node client pulls the same records from the same server; and the page's
// long tasks during the pull.
import type { BrowserContext, Page } from 'playwright-core';
import { v7 as uuidv7 } from 'uuid';
import { PUSH_LANES } from '@/client/push';
import { createChange } from '../contenders/fieldsync';
import type { BrowserFigures } from '../browser/figures';
import { type LongTasks, readLongTasks, resetLongTasks } from '../browser/long-tasks';
import { PageTraffic } from '../browser/traffic';
import { makeRecords } from '../support/data';
import { type AnyCase, defineCase } from '../support/runner';
import { benchPage, browserUser, engineBundle, sharedBrowser } from './browser';
import { expect, type World } from './world';

interface PullEngine {
  store: { getState(): { lastSyncedAt: number | null; state: { kind: string } } };
  setToken(token: string | null): Promise<void>;
  listRecords(filter?: { entityId?: string }): Promise<unknown[]>;
}

type PullWindow = typeof globalThis & {
  fieldsyncBench: { createBrowserSyncEngine(o: { dbName: string; pullLimit: number }): Promise<PullEngine> };
  benchPullEngine: PullEngine;
};

/** One case per Fieldsync server in `servers`: every run pulls all n records into a new database. */
export function browserPullCases(world: World, root: string, servers: ReadonlySet<string>, log: (line: string) => void, figures: BrowserFigures): AnyCase[] {
  const { n, pullLimit } = world.sizes;
  return world.fieldsync.filter((w) => servers.has(w.id)).map((w) => {
    let token = '';
    const entity = uuidv7();
    let traffic: PageTraffic | null = null;
    const meter = { snapshot: () => traffic!.snapshot(), since: (s: ReturnType<PageTraffic['snapshot']>) => traffic!.since(s), settle: () => traffic!.settle() };
    return defineCase<{ context: BrowserContext; page: Page; dbName: string; serverRate: number; deviceRate?: number; tasks?: LongTasks }>({
      contender: w.id,
      changes: n,
      meters: () => ({ http: meter, serverPid: w.server.pid, backends: w.server.backends }),
      setup: async () => {
        token = await browserUser(w, 'browser-pull', entity);
        const changes = makeRecords(n, entity, 'bench-browser-pull-loader').map(createChange);
        const tally = await w.server.push(token, 'bench-browser-pull-loader', changes, false, undefined, PUSH_LANES);
        if (tally.successful !== n) throw new Error(`loading the browser pull: ${tally.successful} of ${n} applied (${tally.firstFailure ?? ''})`);
        w.expected.records += n;
        w.expected.changes += n;
        await engineBundle(root);
        await sharedBrowser();
      },
      prepare: async (run) => {
        const s0 = performance.now();
        const pulled = await w.server.pullAll(token, pullLimit);
        if (pulled.length !== n) throw new Error(`browser pull baseline: ${pulled.length} records pulled, ${n} expected`);
        const serverRate = n / ((performance.now() - s0) / 1000);
        // The API's answers forbid scripts (CSP default-src 'none'); the bench injects the engine into one.
        const context = await (await sharedBrowser()).newContext({ bypassCSP: true });
        const page = await benchPage(context, w.server.baseUrl, root);
        traffic = new PageTraffic(page);
        return { context, page, dbName: `bench-pull-${run}`, serverRate };
      },
      execute: async (p) => {
        await resetLongTasks(p.page);
        const t0 = performance.now();
        await p.page.evaluate(
          async ({ dbName, token, pullLimit }) => {
            const win = globalThis as PullWindow;
            win.benchPullEngine = await win.fieldsyncBench.createBrowserSyncEngine({ dbName, pullLimit });
            void win.benchPullEngine.setToken(token);
          },
          { dbName: p.dbName, token, pullLimit },
        );
        // Until the first run is over: a successful run stores the time of the last sync.
        await p.page.waitForFunction(() => (globalThis as PullWindow).benchPullEngine.store.getState().lastSyncedAt !== null, undefined, {
          polling: 50,
          timeout: 10 * 60_000,
        });
        p.deviceRate = n / ((performance.now() - t0) / 1000);
        p.tasks = await readLongTasks(p.page);
      },
      verify: async (p, run) => {
        const stored = await p.page.evaluate(async (entityId) => (await (globalThis as PullWindow).benchPullEngine.listRecords({ entityId })).length, entity);
        await p.context.close();
        if (run > 0 && p.deviceRate !== undefined && p.tasks) {
          figures.add('pull', w.id, { device: p.deviceRate, server: p.serverRate, tasks: p.tasks });
          log(`    (server baseline ${Math.round(p.serverRate).toLocaleString('en-US')} records/s; device ÷ server ${(p.deviceRate / p.serverRate).toFixed(2)}; long tasks: longest ${p.tasks.longestMs} ms, ${p.tasks.over} over 200 ms)`);
        }
        return expect('records stored on the device', stored, n);
      },
    });
  });
}
