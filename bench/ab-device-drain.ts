// An A/B of device-side variants on the browser case (bench/scenarios/browser.ts): Chromium
// queues N creates in IndexedDB with the app's engine while offline, then goes online and is
// timed until every entry has its answer stored. Each arm is a source tree of the app whose
// device code (src/client) is bundled with esbuild; all arms push to one API server
// (api-main.ts, no build) on a fresh PostgreSQL database. Every round runs each arm once, in
// an order rotated round by round, so that a slow spell of a shared machine does not fall on
// one arm only. Reports changes/s per arm and round, the medians, and each arm's ratio to the
// first: of the medians, and the median of the per-round ratios. With `--work pull`, each run
// is a fresh device pulling what one drain left on the server (the demo user's records).
//
//   npx tsx bench/ab-device-drain.ts --arm base:/path/to/other/checkout --arm new:. [--rounds 6] [--n 5000] [--work drain|pull]
//     [--profile DIR]  (a CPU profile of the page's main thread for each arm's last run)
//     [--trace]  (per run: IndexedDB transactions opened during the drain, by mode and stores, and
//                 whatever timings the arm's code left in `globalThis.__h7` as {name: {n, ms}})
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { type BrowserContext, type CDPSession, chromium, type Page } from 'playwright-core';
import { DEMO_ENTITIES, DEMO_PASSWORD } from '@/server/seed/demo';
import { payload } from './support/data';
import { createDatabase, dropDatabase, migrateAndSeed } from './support/postgres';
import { freePort, startChild, waitForHttp } from './support/processes';
import { median } from './support/stats';
import { CHROMIUM } from './scenarios/browser';

const ROOT = path.resolve(import.meta.dirname, '..');
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '6' },
    n: { type: 'string', default: '5000' },
    arm: { type: 'string', multiple: true },
    profile: { type: 'string' },
    trace: { type: 'boolean', default: false },
    work: { type: 'string', default: 'drain' },
  },
});

interface Arm {
  readonly name: string;
  readonly root: string;
  bundle: string;
  readonly rates: number[];
}

const arms: Arm[] = (values.arm ?? []).map((spec) => {
  const [name, root = '.'] = spec.split(':', 2) as [string, string?];
  return { name, root: path.resolve(root), bundle: '', rates: [] };
});
if (arms.length < 2) throw new Error('give at least two arms: --arm name:/path/to/checkout --arm …');
const rounds = Number(values.rounds);
const n = Number(values.n);
if (values.work !== 'drain' && values.work !== 'pull') throw new Error('--work is drain or pull');

async function bundleOf(root: string): Promise<string> {
  const out = await build({
    entryPoints: [path.join(ROOT, 'bench/browser/entry.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    minify: values.profile === undefined,
    alias: { '@': path.join(root, 'src') },
    nodePaths: [path.join(ROOT, 'node_modules')],
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'error',
  });
  return out.outputFiles[0]!.text;
}

/** A CPU profile of the page's main thread, from now. */
async function startProfile(context: BrowserContext, page: Page): Promise<CDPSession> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.start');
  return cdp;
}

/** Stops the profile and writes it to the --profile folder under `file`. */
async function saveProfile(cdp: CDPSession, file: string): Promise<void> {
  const { profile } = await cdp.send('Profiler.stop');
  mkdirSync(values.profile!, { recursive: true });
  writeFileSync(path.join(values.profile!, file), JSON.stringify(profile));
}

/** Records the user's pull serves, counted from Node page by page. */
async function countPullable(base: string, token: string): Promise<number> {
  let count = 0;
  let cursor: string | null = null;
  for (;;) {
    const query: string = cursor === null ? '' : `?cursor=${encodeURIComponent(cursor)}`;
    const res = await fetch(`${base}/api/v1/sync/pull${query}`, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`pull: HTTP ${res.status}`);
    const page = (await res.json()) as { changes: unknown[]; cursor: string; hasMore: boolean };
    count += page.changes.length;
    if (!page.hasMore) return count;
    cursor = page.cursor;
  }
}

type BenchWindow = typeof globalThis & {
  fieldsyncBench: {
    createBrowserSyncEngine(o: { dbName: string }): Promise<{ store: { getState(): { counts: Record<string, number>; lastSyncedAt: number | null } }; setToken(t: string): Promise<void>; listRecords(): Promise<unknown[]> }>;
    FieldsyncDb: new (name: string) => { close(): void };
    ensureDeviceId(db: unknown): Promise<string>;
    createRecord(ctx: unknown, input: unknown): Promise<unknown>;
  };
  benchEngine: { store: { getState(): { counts: Record<string, number>; lastSyncedAt: number | null } }; listRecords(): Promise<unknown[]> };
};

/** Counts IndexedDB transactions (from the first one after `__h7reset`) and reports them with `__h7`'s timings. */
const TRACE_SCRIPT = `(() => {
  const tx = {}; const t0 = { at: 0 };
  const open = IDBDatabase.prototype.transaction;
  IDBDatabase.prototype.transaction = function (stores, mode, ...rest) {
    const key = (mode || 'readonly') + ' ' + [].concat(stores).join('+');
    tx[key] = (tx[key] || 0) + 1;
    return open.call(this, stores, mode, ...rest);
  };
  globalThis.__h7trace = () => ({ ms: Math.round(performance.now() - t0.at), tx, timings: globalThis.__h7 || {} });
  globalThis.__h7reset = () => { for (const k of Object.keys(tx)) delete tx[k]; globalThis.__h7 = {}; t0.at = performance.now(); };
})();`;

const dbName = `fieldsync_ab_drain_${process.pid}`;
const url = await createDatabase(dbName);
await migrateAndSeed(url, ROOT);
const port = await freePort();
const server = startChild({
  name: 'api',
  command: process.execPath,
  args: ['--import', 'tsx', path.join(ROOT, 'src/server/node/api-main.ts'), '--port', String(port), '--hostname', '127.0.0.1'],
  cwd: ROOT,
  env: {
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_URL: url,
    FIELDSYNC_SYNC_RATE_PER_MINUTE: '100000000',
    FIELDSYNC_SYNC_BURST: '100000000',
    FIELDSYNC_WORK_UNITS_PER_MINUTE: '1000000000',
    FIELDSYNC_WORK_BURST: '1000000000',
    FIELDSYNC_LOG_LEVEL: 'warn',
  },
  logFile: path.join(os.tmpdir(), 'fieldsync-ab-drain.log'),
  maxSeconds: 60 * 60,
});
const base = `http://127.0.0.1:${port}`;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
try {
  await waitForHttp(`${base}/api/v1/health`, server, 120_000);
  const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'ana@demo.fieldsync', password: DEMO_PASSWORD }) });
  const { token } = (await login.json()) as { token: string };
  for (const arm of arms) arm.bundle = await bundleOf(arm.root);

  const runArm = async (arm: Arm, run: number, profile: boolean): Promise<number> => {
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${base}/api/v1/health`);
    await page.addScriptTag({ content: 'globalThis.__name = (f) => f;' });
    if (values.trace) await page.addScriptTag({ content: TRACE_SCRIPT });
    await page.addScriptTag({ content: arm.bundle });
    await context.setOffline(true);
    const name = `ab-${arm.name}-${run}`;
    await page.evaluate(
      async ({ entityId, data, name }) => {
        const fs = (globalThis as BenchWindow).fieldsyncBench;
        const db = new fs.FieldsyncDb(name);
        await fs.ensureDeviceId(db);
        const ctx = { db, now: () => Date.now() };
        for (const d of data) await fs.createRecord(ctx, { type: 'assessment', entityId, data: d });
        db.close();
      },
      { entityId: DEMO_ENTITIES.campNorth.id, data: Array.from({ length: n }, (_, i) => payload(i)), name },
    );
    await context.setOffline(false);
    const cdp = profile ? await startProfile(context, page) : null;
    if (values.trace) await page.evaluate(() => (globalThis as unknown as { __h7reset(): void }).__h7reset());
    const t0 = performance.now();
    await page.evaluate(
      async ({ name, token }) => {
        const w = globalThis as BenchWindow;
        w.benchEngine = await w.fieldsyncBench.createBrowserSyncEngine({ dbName: name });
        void (w.benchEngine as unknown as { setToken(t: string): Promise<void> }).setToken(token);
      },
      { name, token },
    );
    await page.waitForFunction(
      (queued) => {
        const c = (globalThis as BenchWindow).benchEngine.store.getState().counts;
        return c.pending === 0 && c.syncing === 0 && (c.completed ?? 0) + (c.conflict ?? 0) + (c.rejected ?? 0) + (c.failed ?? 0) >= queued;
      },
      n,
      { polling: 50, timeout: 10 * 60_000 },
    );
    const rate = n / ((performance.now() - t0) / 1000);
    if (values.trace) console.log(`  ${arm.name} trace:`, JSON.stringify(await page.evaluate(() => (globalThis as unknown as { __h7trace(): unknown }).__h7trace())));
    if (cdp) await saveProfile(cdp, `${arm.name}.cpuprofile`);
    await context.close();
    return rate;
  };

  /** A fresh device of the demo user pulls everything it may see: records per second. */
  const pullArm = async (arm: Arm, run: number, profile: boolean, expected: number): Promise<number> => {
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${base}/api/v1/health`);
    await page.addScriptTag({ content: 'globalThis.__name = (f) => f;' });
    await page.addScriptTag({ content: arm.bundle });
    const cdp = profile ? await startProfile(context, page) : null;
    const t0 = performance.now();
    await page.evaluate(
      async ({ name, token }) => {
        const w = globalThis as BenchWindow;
        w.benchEngine = await w.fieldsyncBench.createBrowserSyncEngine({ dbName: name });
        void (w.benchEngine as unknown as { setToken(t: string): Promise<void> }).setToken(token);
      },
      { name: `ab-pull-${arm.name}-${run}`, token },
    );
    await page.waitForFunction(() => (globalThis as BenchWindow).benchEngine.store.getState().lastSyncedAt !== null, undefined, { polling: 50, timeout: 10 * 60_000 });
    const seconds = (performance.now() - t0) / 1000;
    if (cdp) await saveProfile(cdp, `${arm.name}-pull.cpuprofile`);
    const stored = await page.evaluate(async () => (await (globalThis as BenchWindow).benchEngine.listRecords()).length);
    await context.close();
    if (stored !== expected) throw new Error(`${arm.name}: ${stored} records pulled, ${expected} expected`);
    return stored / seconds;
  };

  let serverRecords = 0;
  if (values.work === 'pull') {
    await runArm(arms[0]!, -1, false);
    serverRecords = await countPullable(base, token);
    console.log(`the server holds ${serverRecords} records for the demo user`);
  }

  for (let round = 0; round < rounds; round++) {
    const order = arms.map((_, i) => arms[(i + round) % arms.length]!);
    const line: string[] = [];
    for (const arm of order) {
      const profile = values.profile !== undefined && round === rounds - 1;
      const rate = values.work === 'pull' ? await pullArm(arm, round, profile, serverRecords) : await runArm(arm, round, profile);
      arm.rates.push(rate);
      line.push(`${arm.name} ${Math.round(rate)}`);
    }
    console.log(`round ${round + 1}: ${line.join(', ')} ${values.work === 'pull' ? 'records' : 'changes'}/s`);
  }
  const first = arms[0]!;
  for (const arm of arms) {
    const perRound = arm.rates.map((r, i) => r / first.rates[i]!);
    console.log(`${arm.name}: median ${Math.round(median(arm.rates))} ${values.work === 'pull' ? 'records' : 'changes'}/s, ×${(median(arm.rates) / median(first.rates)).toFixed(2)} of medians, ×${median(perRound).toFixed(2)} median per round`);
  }
} finally {
  await browser.close();
  await server.stop();
  await dropDatabase(dbName).catch(() => {});
}
