// End to end in a real browser: Debian's Chromium (playwright-core) opens a page of the
// Fieldsync origin, loads the app's own device code (src/client, bundled by esbuild), and
// while offline queues 10,000 new records with the engine's `createRecord` (record + outbox
// entry in one IndexedDB transaction each, the code `engine.create` runs; without the engine's
// per-save count refresh, which would make queueing 10,000 take minutes). Measured: from
// opening the engine online with a token until the outbox has nothing pending or in flight
// (the push; the pull that follows is not waited for). One fresh browser profile per run.
import path from 'node:path';
import { build } from 'esbuild';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { BENCH_PASSWORD } from '../contenders/fieldsync';
import { PageTraffic } from '../browser/traffic';
import { payload } from '../support/data';
import { type AnyCase, defineCase } from '../support/runner';
import { ENTITIES, expect, type FieldsyncWorld, type World } from './world';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

interface Counts {
  pending: number;
  syncing: number;
  completed: number;
  conflict: number;
  failed: number;
  rejected: number;
}

interface PageEngine {
  deviceId: string;
  store: { getState(): { counts: Counts; state: { kind: string } } };
  create(input: { type: 'assessment'; entityId: string; data: Record<string, unknown> }): Promise<unknown>;
  setToken(token: string | null): Promise<void>;
}

interface PageDb {
  close(): void;
}

type BenchWindow = typeof globalThis & {
  fieldsyncBench: {
    createBrowserSyncEngine(o: { dbName: string }): Promise<PageEngine>;
    FieldsyncDb: new (name: string) => PageDb;
    ensureDeviceId(db: PageDb): Promise<string>;
    createRecord(ctx: { db: PageDb; now: () => number }, input: { type: 'assessment'; entityId: string; data: Record<string, unknown> }): Promise<unknown>;
  };
  benchEngine: PageEngine;
};

let bundle: Promise<string> | null = null;
function engineBundle(root: string): Promise<string> {
  bundle ??= build({
    entryPoints: [path.join(root, 'bench/browser/entry.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    minify: true,
    alias: { '@': path.join(root, 'src') },
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'error',
  }).then((r) => r.outputFiles[0]!.text);
  return bundle;
}

let browser: Promise<Browser> | null = null;
function sharedBrowser(): Promise<Browser> {
  browser ??= chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  return browser;
}

export async function closeBrowser(): Promise<void> {
  if (browser) await (await browser).close().catch(() => {});
  browser = null;
}

/** Creates the browser case's user on a Fieldsync server (its own entity, so its pulls stay small). */
async function browserToken(w: FieldsyncWorld): Promise<string> {
  const email = 'bench-browser@bench.fieldsync';
  await w.server.createEntity(w.admin, ENTITIES.browser, 'Bench browser camp');
  await w.server.createUser(w.admin, email, 'field_worker', [ENTITIES.browser]);
  return w.server.login(email, BENCH_PASSWORD);
}

/** One case per Fieldsync server in `servers`; the warm-up queues a tenth of `n`. */
export function browserCases(world: World, root: string, servers: ReadonlySet<string>, log: (line: string) => void): AnyCase[] {
  const { n } = world.sizes;
  const warmup = Math.max(1, Math.round(n / 10));
  return world.fieldsync.filter((w) => servers.has(w.id)).map((w) => {
    let token = '';
    let traffic: PageTraffic | null = null;
    const meter = { snapshot: () => traffic!.snapshot(), since: (s: ReturnType<PageTraffic['snapshot']>) => traffic!.since(s), settle: () => traffic!.settle() };
    return defineCase<{ context: BrowserContext; page: Page; dbName: string; deviceId: string; queued: number }>({
      contender: w.id,
      changes: n,
      changesFor: (run) => (run === 0 ? warmup : n),
      meters: () => ({ http: meter, serverPid: w.server.pid, backends: w.server.backends }),
      setup: async () => {
        token = await browserToken(w);
        await engineBundle(root);
        await sharedBrowser();
      },
      prepare: async (run) => {
        const context = await (await sharedBrowser()).newContext();
        const page = await context.newPage();
        traffic = new PageTraffic(page);
        await page.goto(`${w.server.baseUrl}/api/v1/health`);
        // tsx compiles the functions passed to page.evaluate with esbuild's keepNames, which
        // calls a `__name` helper that the page does not have.
        await page.addScriptTag({ content: 'globalThis.__name = (f) => f;' });
        await page.addScriptTag({ content: await engineBundle(root) });
        await context.setOffline(true);
        const queued = run === 0 ? warmup : n;
        const data = Array.from({ length: queued }, (_, i) => payload(i));
        const dbName = `bench-${run}`;
        const t0 = performance.now();
        const deviceId = await page.evaluate(
          async ({ entityId, data, dbName }) => {
            const fs = (globalThis as BenchWindow).fieldsyncBench;
            const db = new fs.FieldsyncDb(dbName);
            const id = await fs.ensureDeviceId(db);
            const ctx = { db, now: () => Date.now() };
            for (const d of data) await fs.createRecord(ctx, { type: 'assessment', entityId, data: d });
            db.close();
            return id;
          },
          { entityId: ENTITIES.browser, data, dbName },
        );
        log(`    (${queued.toLocaleString('en-US')} changes queued in IndexedDB in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
        return { context, page, dbName, deviceId, queued };
      },
      execute: async (p) => {
        await p.context.setOffline(false);
        await p.page.evaluate(
          async ({ dbName, token }) => {
            const win = globalThis as BenchWindow;
            win.benchEngine = await win.fieldsyncBench.createBrowserSyncEngine({ dbName });
            void win.benchEngine.setToken(token);
          },
          { dbName: p.dbName, token },
        );
        // Until every queued entry has its answer stored (the store starts with zero counts).
        await p.page.waitForFunction(
          (queued) => {
            const c = (globalThis as BenchWindow).benchEngine.store.getState().counts;
            return c.pending === 0 && c.syncing === 0 && c.completed + c.conflict + c.rejected + c.failed >= queued;
          },
          p.queued,
          { polling: 50, timeout: 10 * 60_000 },
        );
      },
      verify: async (p) => {
        const counts = await p.page.evaluate(() => (globalThis as BenchWindow).benchEngine.store.getState().counts);
        await p.context.close();
        const problems = [...expect('outbox entries completed', counts.completed, p.queued), ...expect('failed', counts.failed, 0), ...expect('rejected', counts.rejected, 0)];
        if (w.server.sql) {
          const r = await w.server.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM records WHERE device_id = $1', [p.deviceId]);
          problems.push(...expect('records on the server', r.rows[0]!.n, p.queued));
        }
        w.expected.records += p.queued;
        w.expected.changes += p.queued;
        return problems;
      },
    });
  });
}
