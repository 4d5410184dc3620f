// `npm run bench:server`: the push path over HTTP against the raw PostgreSQL floor.
// Starts the built app as `npm start` does (scripts/server-command.mjs: the API on Node's http
// server, the UI by Next.js; building first when the build is missing or older than the
// sources) on a fresh PostgreSQL database with the demo users, logs in once, and pushes
// 10,000 changes, 100 per request, one request after another as one device drains its queue,
// each body gzip-encoded as the device engine sends a push (src/client/compress.ts), in three cases: all creates, all updates, 20% conflicts. The same rows are written straight
// to PostgreSQL with `pg` (one transaction per 100 rows: idempotency-log insert plus multi-row
// upsert), taking turns with the HTTP batches so both meet the same machine load. Then a
// first pull of the 10,000 records, 1,000 per page.
// Prints changes/second and the ratio to the baseline as a table and as JSON, and writes the
// JSON to bench/results/server-bench.json. With each case, the CPU time per batch of 100 of
// each process on either path: the server, PostgreSQL's backends, and this process as client,
// which shows where the push path's time goes beyond the raw transaction's.
//   --no-build   use .next/ as it is (when it exists)
//   --changes N  changes per case (default 10000)
//   --uncompressed  push bodies as they are (the server path without decoding)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { PullResponse } from '@/protocol/pull';
import type { ChangeInput, PushResponse } from '@/protocol/push';
import { DEMO_ENTITIES, DEMO_PASSWORD } from '@/server/seed/demo';
import { CountingHttp } from './support/counting-fetch';
import { requestBody } from './support/request-body';
import { BackendCpu, createDatabase, dropDatabase, migrateAndSeed } from './support/postgres';
import { type Child, freePort, killAllChildren, startChild, tail, treeCpuMs, waitForHttp } from './support/processes';
import { writeBaselineBatch } from './support/server-baseline';
import { CASES, type CaseName, caseChanges, chunks, workloadRecords } from './support/server-workload';
import { SERVER_BUNDLE, serverCommand } from '../scripts/server-command.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');
const BATCH = 100;
const SERVER_MAX_SECONDS = 30 * 60;

interface CaseResult {
  case: CaseName;
  label: string;
  changes: number;
  requests: number;
  httpSeconds: number;
  httpPerSecond: number;
  baselineSeconds: number;
  baselinePerSecond: number;
  ratio: number;
  cpu: CaseCpu;
  outcome: { successful: number; conflicts: number; failed: number; clientWins: number; serverWins: number };
}

/** CPU milliseconds per batch of 100: on the push path (HTTP) and on the raw baseline. */
interface CaseCpu {
  http: { server: number; postgres: number; client: number };
  raw: { postgres: number; client: number };
}

interface PullResult {
  rows: number;
  pages: number;
  seconds: number;
  rowsPerSecond: number;
}

function args(): { build: boolean; changes: number; compress: boolean } {
  const a = process.argv.slice(2);
  const i = a.indexOf('--changes');
  const changes = i >= 0 ? Number(a[i + 1]) : 10_000;
  if (!Number.isInteger(changes) || changes < BATCH) throw new Error('--changes must be an integer >= 100');
  return { build: !a.includes('--no-build'), changes, compress: !a.includes('--uncompressed') };
}

/**
 * The bench's HTTP client: node:http with keep-alive, asking for gzip as a browser does
 * (CountingHttp, the same client `npm run bench` measures every contender with).
 */
class Http {
  constructor(readonly base: string) {}
  token = '';
  readonly client = new CountingHttp();

  /** `compress`: the body gzip-encoded from 1 KB, as the engine sends a push (transport.ts). */
  async call<T>(method: string, p: string, body: unknown, expect = 200, compress = false): Promise<T> {
    const sent = requestBody(body, compress);
    const headers: Record<string, string> = { accept: 'application/json', ...sent.headers };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const res = await this.client.fetch(`${this.base}${p}`, { method, headers, ...(sent.body !== undefined ? { body: sent.body } : {}) });
    const text = await res.text();
    if (res.status !== expect) throw new HttpError(res.status, `${method} ${p} → ${res.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  }
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Outcome = CaseResult['outcome'];

async function pushBatch(http: Http, batch: readonly ChangeInput[], deviceId: string, outcome: Outcome, compress: boolean): Promise<number> {
  const t = performance.now();
  const res = await http.call<PushResponse>('POST', '/api/v1/sync/batch', { deviceId, changes: batch }, 200, compress);
  const ms = performance.now() - t;
  outcome.successful += res.successful.length;
  outcome.conflicts += res.conflicts.length;
  outcome.failed += res.failed.length;
  for (const c of res.conflicts) {
    if (c.resolution === 'client_wins') outcome.clientWins++;
    else outcome.serverWins++;
  }
  if (res.failed.length > 0) throw new Error(`push failed items: ${JSON.stringify(res.failed.slice(0, 3))}`);
  return ms;
}

async function baselineBatch(client: pg.ClientBase, batch: readonly ChangeInput[], userId: string): Promise<number> {
  const t = performance.now();
  await writeBaselineBatch(client, batch, userId, 'dev_baseline');
  return performance.now() - t;
}

/** What the CPU of a case is read from: the server's process, the database's backends, and the raw client's own backend. */
interface CpuMeters {
  serverPid: number;
  backends: BackendCpu;
  rawBackendPid: number;
}

/** This process's CPU milliseconds while `fn` runs (the client's share of it, with nothing else running here). */
async function clientCpu<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const before = process.cpuUsage();
  const out = await fn();
  const used = process.cpuUsage(before);
  return [out, (used.user + used.system) / 1000];
}

/**
 * One case: HTTP push and raw baseline take turns, one batch of 100 each, so that both see the
 * same machine (load from other processes changes from second to second).
 */
async function runCase(
  http: Http,
  client: pg.ClientBase,
  pushed: readonly ChangeInput[],
  raw: readonly ChangeInput[],
  userId: string,
  compress: boolean,
  meters: CpuMeters,
): Promise<{ httpMs: number; rawMs: number; requests: number; cpu: CaseCpu; outcome: Outcome }> {
  const outcome: Outcome = { successful: 0, conflicts: 0, failed: 0, clientWins: 0, serverWins: 0 };
  const pushBatches = chunks(pushed, BATCH);
  const rawBatches = chunks(raw, BATCH);
  let httpMs = 0;
  let rawMs = 0;
  let httpClientCpu = 0;
  let rawClientCpu = 0;
  const server0 = treeCpuMs(meters.serverPid);
  const db0 = await meters.backends.snapshot();
  for (const [i, batch] of pushBatches.entries()) {
    const [ms, cpu] = await clientCpu(() => pushBatch(http, batch, 'dev_bench', outcome, compress));
    httpMs += ms;
    httpClientCpu += cpu;
    const [rms, rcpu] = await clientCpu(() => baselineBatch(client, rawBatches[i] ?? [], userId));
    rawMs += rms;
    rawClientCpu += rcpu;
  }
  const server1 = treeCpuMs(meters.serverPid);
  const db1 = await meters.backends.snapshot();
  // The raw client's backend apart from the server's pool.
  const rawDb = (m: Map<number, number>) => new Map([...m].filter(([pid]) => pid === meters.rawBackendPid));
  const rawDbMs = BackendCpu.delta(rawDb(db0), rawDb(db1));
  const n = pushBatches.length;
  const cpu: CaseCpu = {
    http: { server: (server1 - server0) / n, postgres: (BackendCpu.delta(db0, db1) - rawDbMs) / n, client: httpClientCpu / n },
    raw: { postgres: rawDbMs / n, client: rawClientCpu / n },
  };
  return { httpMs, rawMs, requests: n, cpu, outcome };
}

async function pullAll(http: Http): Promise<PullResult | { unavailable: string }> {
  const t = performance.now();
  let cursor: string | undefined;
  let rows = 0;
  let pages = 0;
  for (;;) {
    const q = new URLSearchParams({ limit: '1000' });
    if (cursor) q.set('cursor', cursor);
    let page: PullResponse;
    try {
      page = await http.call<PullResponse>('GET', `/api/v1/sync/pull?${q}`, undefined);
    } catch (e) {
      if (e instanceof HttpError && (e.status === 404 || e.status === 405)) return { unavailable: e.message };
      throw e;
    }
    pages++;
    rows += page.changes.length;
    cursor = page.cursor;
    if (!page.hasMore) break;
  }
  const seconds = (performance.now() - t) / 1000;
  return { rows, pages, seconds, rowsPerSecond: rows / seconds };
}

function buildIfNeeded(build: boolean): void {
  if (!build && existsSync(path.join(ROOT, '.next', 'BUILD_ID')) && existsSync(path.join(ROOT, SERVER_BUNDLE))) return;
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-if-needed.mjs')], { cwd: ROOT, stdio: 'inherit' });
}

function printTable(results: CaseResult[], pull: PullResult | { unavailable: string }): void {
  const rows = [
    ['case', 'changes', 'HTTP push s', 'HTTP changes/s', 'raw pg changes/s', 'ratio', 'CPU ms/batch: server', 'PG', 'client', 'raw: PG', 'client'],
    ...results.map((r) => [
      r.label,
      String(r.changes),
      r.httpSeconds.toFixed(2),
      r.httpPerSecond.toFixed(0),
      r.baselinePerSecond.toFixed(0),
      r.ratio.toFixed(2),
      ...[r.cpu.http.server, r.cpu.http.postgres, r.cpu.http.client, r.cpu.raw.postgres, r.cpu.raw.client].map((ms) => ms.toFixed(2)),
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const [i, r] of rows.entries()) {
    console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
  if ('unavailable' in pull) console.log(`\nfirst pull: not measured (${pull.unavailable})`);
  else console.log(`\nfirst pull: ${pull.rows} records in ${pull.pages} pages, ${pull.seconds.toFixed(2)} s, ${pull.rowsPerSecond.toFixed(0)} rows/s`);
}

async function main(): Promise<void> {
  const opts = args();
  buildIfNeeded(opts.build);
  const work = mkdtempSync(path.join(os.tmpdir(), 'fieldsync-server-bench-'));
  const dbName = `fieldsync_server_bench_${process.pid}_${Date.now().toString(36)}`;
  let child: Child | undefined;
  let client: pg.Client | undefined;
  try {
    const url = await createDatabase(dbName);
    await migrateAndSeed(url, ROOT);
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: url,
      FIELDSYNC_SYNC_RATE_PER_MINUTE: '100000000',
      FIELDSYNC_LOG_LEVEL: 'warn',
      NEXT_TELEMETRY_DISABLED: '1',
    };
    child = startChild({
      name: 'fieldsync',
      ...serverCommand(ROOT, { port, hostname: '127.0.0.1' }),
      cwd: ROOT,
      env,
      logFile: path.join(work, 'server.log'),
      maxSeconds: SERVER_MAX_SECONDS,
    });
    const http = new Http(`http://127.0.0.1:${port}`);
    await waitForHttp(`${http.base}/api/v1/health`, child, 120_000);
    await http.call('GET', '/api/v1/health', undefined);

    // Warm-up as ben in Riverside Clinic, which ana (the measured user) does not see.
    http.token = (await http.call<{ token: string }>('POST', '/api/v1/auth/login', { email: 'ben@demo.fieldsync', password: DEMO_PASSWORD })).token;
    const t0 = Date.now();
    client = new pg.Client({ connectionString: url });
    await client.connect();
    const benId = (await client.query<{ id: string }>(`select id from users where email = 'ben@demo.fieldsync'`)).rows[0]!.id;
    const meters: CpuMeters = {
      serverPid: child.pid,
      backends: new BackendCpu(dbName),
      rawBackendPid: (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid,
    };
    const warm = workloadRecords(2_000, DEMO_ENTITIES.riverside.id);
    const warmRaw = workloadRecords(2_000, DEMO_ENTITIES.riverside.id);
    for (const name of ['creates', 'updates'] as const)
      await runCase(http, client, caseChanges(name, warm, 'dev_warm', t0), caseChanges(name, warmRaw, 'dev_warm', t0), benId, opts.compress, meters);

    const login = await http.call<{ token: string; user: { id: string } }>('POST', '/api/v1/auth/login', { email: 'ana@demo.fieldsync', password: DEMO_PASSWORD });
    http.token = login.token;

    const records = workloadRecords(opts.changes, DEMO_ENTITIES.campNorth.id);
    const rawRecords = workloadRecords(opts.changes, DEMO_ENTITIES.riverside.id);
    const results: CaseResult[] = [];
    for (const c of CASES) {
      const run = await runCase(http, client, caseChanges(c.name, records, 'dev_bench', t0), caseChanges(c.name, rawRecords, 'dev_bench', t0), login.user.id, opts.compress, meters);
      const httpPerSecond = (opts.changes * 1000) / run.httpMs;
      const baselinePerSecond = (opts.changes * 1000) / run.rawMs;
      results.push({
        case: c.name,
        label: c.label,
        changes: opts.changes,
        requests: run.requests,
        httpSeconds: run.httpMs / 1000,
        httpPerSecond,
        baselineSeconds: run.rawMs / 1000,
        baselinePerSecond,
        ratio: httpPerSecond / baselinePerSecond,
        cpu: run.cpu,
        outcome: run.outcome,
      });
    }
    const pull = await pullAll(http);
    http.client.close();

    printTable(results, pull);
    const report = {
      bench: 'server',
      loadAverage: os.loadavg(),
      at: new Date().toISOString(),
      node: process.version,
      cpus: os.cpus().length,
      postgres: (await client.query<{ v: string }>('select version() as v')).rows[0]?.v,
      batchSize: BATCH,
      pushBodies: opts.compress ? 'gzip' : 'uncompressed',
      cases: results,
      pull,
    };
    const json = JSON.stringify(report, null, 2);
    console.log(`\n${json}`);
    mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(path.join(ROOT, 'bench/results/server-bench.json'), `${json}\n`);
  } catch (e) {
    if (child) console.error(`server log (last lines):\n${tail(child.logFile)}`);
    throw e;
  } finally {
    await client?.end().catch(() => {});
    await child?.stop();
    await dropDatabase(dbName).catch((e: unknown) => console.warn(`could not drop ${dbName}: ${String(e)}`));
  }
}

process.on('SIGINT', () => {
  killAllChildren();
  process.exit(130);
});

main().catch((e: unknown) => {
  killAllChildren();
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
