// End to end in a real browser: Debian's Chromium (playwright-core) opens a page of the
// Fieldsync origin, loads the app's own device code (src/client, bundled by esbuild), and
// while offline queues 10,000 new records with the engine's `createRecord` (record + outbox
// entry in one IndexedDB transaction each, the code `engine.create` runs; without the engine's
// per-save count refresh, which would make queueing 10,000 take minutes). Measured: from
// opening the engine online with a token until the outbox has nothing pending or in flight
// (the push; the pull that follows is not waited for). One fresh browser profile per run.
// Beside it, in each run just before, the baseline: the bench's Node client pushes the same
// queue (same data, 2 batches in flight as the engine sends) to the same server, for another
// user; and the page's long tasks during the drain (browser/long-tasks.ts).
import path from 'node:path';
import { build } from 'esbuild';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { v7 as uuidv7 } from 'uuid';
import { PUSH_LANES } from '@/client/push';
import { BENCH_PASSWORD, createChange } from '../contenders/fieldsync';
import type { BrowserFigures } from '../browser/figures';
import { LONG_TASKS_SCRIPT, readLongTasks, resetLongTasks, type LongTasks } from '../browser/long-tasks';
import { PageTraffic } from '../browser/traffic';
import { makeRecords, payload } from '../support/data';
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
export function engineBundle(root: string): Promise<string> {
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
export function sharedBrowser(): Promise<Browser> {
  browser ??= chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  return browser;
}

export async function closeBrowser(): Promise<void> {
  if (browser) await (await browser).close().catch(() => {});
  browser = null;
}

/** Creates a user of the browser cases on a Fieldsync server, with an entity of its own (so its pulls hold only its records). */
export async function browserUser(w: FieldsyncWorld, name: string, entityId: string): Promise<string> {
  const email = `bench-${name}@bench.fieldsync`;
  await w.server.createEntity(w.admin, entityId, `Bench ${name} camp`);
  await w.server.createUser(w.admin, email, 'field_worker', [entityId]);
  return w.server.login(email, BENCH_PASSWORD);
}

/** A fresh page of the server's origin with the engine's bundle and the long-task observer. */
export async function benchPage(context: BrowserContext, baseUrl: string, root: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${baseUrl}/api/v1/health`);
  // tsx compiles the functions passed to page.evaluate with esbuild's keepNames, which
  // calls a `__name` helper that the page does not have.
  await page.addScriptTag({ content: 'globalThis.__name = (f) => f;' });
  await page.addScriptTag({ content: LONG_TASKS_SCRIPT });
  await page.addScriptTag({ content: await engineBundle(root) });
  return page;
}

/** One case per Fieldsync server in `servers`; the warm-up queues a tenth of `n`. */
export function browserCases(world: World, root: string, servers: ReadonlySet<string>, log: (line: string) => void, figures: BrowserFigures): AnyCase[] {
  const { n } = world.sizes;
  const warmup = Math.max(1, Math.round(n / 10));
  return world.fieldsync.filter((w) => servers.has(w.id)).map((w) => {
    let token = '';
    let serverToken = '';
    const serverEntity = uuidv7();
    let traffic: PageTraffic | null = null;
    const meter = { snapshot: () => traffic!.snapshot(), since: (s: ReturnType<PageTraffic['snapshot']>) => traffic!.since(s), settle: () => traffic!.settle() };
    return defineCase<{ context: BrowserContext; page: Page; dbName: string; deviceId: string; queued: number; serverRate: number; deviceRate?: number; tasks?: LongTasks }>({
      contender: w.id,
      changes: n,
      changesFor: (run) => (run === 0 ? warmup : n),
      meters: () => ({ http: meter, serverPid: w.server.pid, backends: w.server.backends }),
      setup: async () => {
        token = await browserUser(w, 'browser', ENTITIES.browser);
        serverToken = await browserUser(w, 'browser-server', serverEntity);
        await engineBundle(root);
        await sharedBrowser();
      },
      prepare: async (run) => {
        // The API's answers forbid scripts (CSP default-src 'none'); the bench injects the engine into one.
        const context = await (await sharedBrowser()).newContext({ bypassCSP: true });
        const page = await benchPage(context, w.server.baseUrl, root);
        traffic = new PageTraffic(page);
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
        // The baseline: the same queue from the Node client, as the engine sends it.
        const changes = makeRecords(queued, serverEntity, `bench-browser-server-${run}`).map(createChange);
        const s0 = performance.now();
        const tally = await w.server.push(serverToken, `bench-browser-server-${run}`, changes, false, undefined, PUSH_LANES);
        const serverRate = queued / ((performance.now() - s0) / 1000);
        if (tally.successful !== queued) throw new Error(`browser baseline: ${tally.successful} of ${queued} applied (${tally.firstFailure ?? ''})`);
        w.expected.records += queued;
        w.expected.changes += queued;
        return { context, page, dbName, deviceId, queued, serverRate };
      },
      execute: async (p) => {
        await resetLongTasks(p.page);
        const t0 = performance.now();
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
        p.deviceRate = p.queued / ((performance.now() - t0) / 1000);
        p.tasks = await readLongTasks(p.page);
      },
      verify: async (p, run) => {
        const counts = await p.page.evaluate(() => (globalThis as BenchWindow).benchEngine.store.getState().counts);
        await p.context.close();
        if (run > 0 && p.deviceRate !== undefined && p.tasks) {
          figures.add('drain', w.id, { device: p.deviceRate, server: p.serverRate, tasks: p.tasks });
          log(`    (server baseline ${Math.round(p.serverRate).toLocaleString('en-US')} changes/s; device ÷ server ${(p.deviceRate / p.serverRate).toFixed(2)}; long tasks: longest ${p.tasks.longestMs} ms, ${p.tasks.over} over 200 ms)`);
        }
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
