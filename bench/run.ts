// `npm run bench [-- --quick] [-- --only push,pull] [-- --runs N] [-- --out DIR] [-- --build | --no-build]`
//   [-- --browser-runs N] [-- --browser-servers pg,pglite] [-- --n N] [-- --app-dir DIR] [-- --photos N]
// Fieldsync side by side with PouchDB/CouchDB replication and raw PostgreSQL, same data, same
// machine, one run. See bench/README.md for what each scenario does and counts.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { openDatabase, rows } from '@/server/db/database';
import { FieldsyncServer } from './contenders/fieldsync';
import { PouchServer } from './contenders/pouchdb';
import { RawPostgres } from './contenders/raw-pg';
import { BrowserFigures } from './browser/figures';
import { browserCases, closeBrowser } from './scenarios/browser';
import { browserPullCases } from './scenarios/browser-pull';
import { conflictCases } from './scenarios/conflicts';
import { deviceCases } from './scenarios/devices';
import { INSTANCES, instanceCases } from './scenarios/instances';
import { MOBILE_LINK, linkCases } from './scenarios/link';
import { PHOTO_MEASUREMENT_NOTE, type PhotoResults, photoSizes, photoTitle, runPhotos } from './scenarios/photos';
import { pullCases } from './scenarios/pull';
import { PUSH_LANES } from '@/client/push';
import { pushCases, pushEngineCases } from './scenarios/push';
import { replayCases } from './scenarios/replay';
import { type FloodResult, runFlood } from './scenarios/flood';
import { setUpFieldsync } from './scenarios/setup';
import { ENTITIES, type FieldsyncWorld, type Sizes, type World } from './scenarios/world';
import { ADMIN_URL } from './support/postgres';
import { killAllChildren } from './support/processes';
import { goals, otherRatios, type Check, type Report, updateReadme, writeReport } from './support/report';
import { type CaseResult, describe, runScenario } from './support/runner';

const ROOT = path.resolve(import.meta.dirname, '..');

function scenarioTitles(z: Sizes): Record<string, string> {
  const k = (v: number) => v.toLocaleString('en-US');
  return {
    pull: `(b) Pull ${k(z.n)} records into a fresh device`,
    'pull-selective': `(b) Pull ${k(z.n)} of ${k(z.big)} records, selected by entity`,
    push: `(a) Push ${k(z.n)} queued changes after reconnect`,
    'push-engine': `(a) The same, sent as the app's engine sends a queue: ${PUSH_LANES} batches in flight`,
    'push-link': `(a) Push ${k(z.linkN)} queued changes over a mobile link (${2 * MOBILE_LINK.oneWayMs} ms round trips, ${MOBILE_LINK.upKbps} kbit/s up), one request after another`,
    'push-link-engine': `(a) The same over the mobile link, sent as the app's engine sends a queue: ${PUSH_LANES} batches in flight`,
    replay: `(e) Replay of ${k(z.n)} already-applied changes`,
    conflicts: `(d) Push ${k(z.n)} changes of which ${Math.round(z.conflictShare * 100)}% conflict`,
    devices: `(c) ${z.devices} devices pushing ${k(z.perDevice)} changes each at once`,
    'devices-instances': `(c) The same through ${INSTANCES} instances on one PostgreSQL behind a round-robin proxy`,
    browser: `End to end: ${k(z.n)} changes queued in IndexedDB by the app's engine in Chromium, then online`,
    'browser-pull': `End to end: a fresh device in Chromium (the app's engine) pulls the ${k(z.n)} records its user may see`,
  };
}

interface Args {
  quick: boolean;
  runs: number;
  only: Set<string> | null;
  out: string;
  build: 'auto' | 'force' | 'skip';
  /** Run the app built in another checkout (development, while this tree does not build). */
  appDir: string | null;
  /** Measured runs of the browser case (each drains a whole queue through the device engine). */
  browserRuns: number;
  /** Fieldsync servers the browser case runs against. */
  browserServers: Set<string>;
  /** Overrides the scenario size (changes per device; the selective pull has 5×, devices n/50 each). */
  n: number | null;
  /** Photos in the photo scenario (20; 4 with --quick). */
  photos: number | null;
}

// Scenarios that build on another's data: the replay and the conflicts reuse the push's
// records, and the selective pull's 10,000 are the ones the full pull loaded. The browser's
// drain brings its pull along (one `--only browser` gives both device figures).
const PREREQUISITES: Record<string, string[]> = { replay: ['push'], conflicts: ['push'], 'pull-selective': ['pull'], browser: ['browser-pull'] };
/** Scenarios that start their own servers (api-main.ts, no build): asked for alone, nothing else starts. */
const OWN_SERVERS = new Set(['flood', 'devices-instances', 'photos']);
/** Scenarios reported in another's table, as another row of it. */
const REPORTED_AS: Record<string, string> = { 'devices-instances': 'devices' };

/** The scenarios asked for with `--only`, and the ones they build on. */
function withPrerequisites(asked: readonly string[]): Set<string> {
  const out = new Set<string>();
  const add = (s: string): void => {
    for (const p of PREREQUISITES[s] ?? []) add(p);
    out.add(s);
  };
  for (const s of asked) add(s);
  return out;
}

function parseArgs(argv: string[]): Args {
  const get = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const quick = argv.includes('--quick');
  const only = get('--only');
  return {
    quick,
    runs: Number(get('--runs') ?? (quick ? 1 : 5)),
    only: only ? withPrerequisites(only.split(',')) : null,
    out: path.resolve(get('--out') ?? (quick ? path.join(os.tmpdir(), 'fieldsync-bench-quick') : path.join(ROOT, 'bench/results'))),
    build: argv.includes('--build') ? 'force' : argv.includes('--no-build') ? 'skip' : 'auto',
    n: get('--n') ? Number(get('--n')) : null,
    photos: get('--photos') ? Number(get('--photos')) : null,
    browserRuns: Number(get('--browser-runs') ?? (quick ? 1 : 3)),
    browserServers: new Set((get('--browser-servers') ?? 'pg').split(',').map((s) => `fieldsync-${s}`)),
    appDir: get('--app-dir') ? path.resolve(get('--app-dir')!) : null,
  };
}

function sizesFor(quick: boolean, n: number | null): Sizes {
  if (n) return { n, big: 5 * n, devices: 50, perDevice: Math.max(1, Math.round(n / 50)), deviceUsers: 10, conflictShare: 0.2, pullLimit: 500, linkN: Math.max(100, Math.round(n / 10)) };
  return quick
    ? { n: 1_000, big: 5_000, devices: 50, perDevice: 20, deviceUsers: 10, conflictShare: 0.2, pullLimit: 500, linkN: 200 }
    : { n: 10_000, big: 50_000, devices: 50, perDevice: 200, deviceUsers: 10, conflictShare: 0.2, pullLimit: 500, linkN: 1_000 };
}

const log = (line: string): void => console.log(line);
/** The mobile-link runs take seconds each and vary by about 1%: 3 are enough. */
const LINK_RUNS = 3;
/** A photo run moves 40 MB at 750 kbit/s (7 minutes a side); its figures are shares of the link: one is enough. */
const PHOTO_RUNS = 1;

/**
 * Builds the app when needed: with scripts/build-if-needed.mjs (`next build` and the server
 * bundle, when missing or stale; shared lock with the e2e tests). `--no-build` skips it (a
 * missing build then leaves Fieldsync out); `--build` forces both.
 */
function ensureBuild(mode: Args['build']): void {
  const opts = { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] as ['ignore', 'inherit', 'inherit'] };
  if (mode === 'skip') return;
  if (mode === 'force') log('building the app (next build and the server bundle)…');
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-if-needed.mjs'), ...(mode === 'force' ? ['--force'] : [])], opts);
}

function text(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return 'unknown';
  }
}

async function totalsCheck(w: FieldsyncWorld): Promise<Check[]> {
  const q = 'SELECT (SELECT count(*)::int FROM records) AS records, (SELECT count(*)::int FROM sync_changes) AS changes, (SELECT count(*)::int FROM sync_conflicts) AS conflicts';
  let got: { records: number; changes: number; conflicts: number } | undefined;
  if (w.server.sql) {
    got = (await w.server.sql.query<{ records: number; changes: number; conflicts: number }>(q)).rows[0];
  } else if (w.server.dataDir) {
    const db = await openDatabase({ dataDir: w.server.dataDir });
    try {
      got = (await rows<{ records: number; changes: number; conflicts: number }>(db.db, sql.raw(q)))[0];
    } finally {
      await db.close();
    }
  }
  if (!got) return [];
  const e = w.expected;
  return [
    { name: `${w.id}: records`, ok: got.records === e.records, detail: `${got.records} on the server, ${e.records} expected` },
    { name: `${w.id}: idempotency log (sync_changes)`, ok: got.changes === e.changes, detail: `${got.changes} on the server, ${e.changes} expected (each change id once, replays add none)` },
    { name: `${w.id}: conflict log (sync_conflicts)`, ok: got.conflicts === e.conflicts, detail: `${got.conflicts} on the server, ${e.conflicts} expected (one loser per conflict)` },
  ];
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const sizes = sizesFor(args.quick, args.n);
  const SCENARIOS = scenarioTitles(sizes);
  const wanted = (s: string) => (args.only ? args.only.has(s) : (!s.startsWith('browser') && s !== 'flood' && s !== 'photos') || !args.quick);
  // Fairness under a flood: its own server (api-main.ts, no build) and users. Run as configured,
  // and with the per-user running slots (http/user-gate.ts) out of the way, taking turns.
  if (wanted('flood')) {
    const runs: Array<{ variant: string; result: FloodResult }> = [];
    for (let i = 0; i < 2; i++) {
      log('flood: as configured');
      runs.push({ variant: 'default', result: await runFlood(ROOT, log) });
      log('flood: without the user gate (FIELDSYNC_RUNNING_PER_USER and _RUNNING_BYTES_PER_USER out of reach)');
      runs.push({
        variant: 'no-user-gate',
        result: await runFlood(ROOT, log, { env: { FIELDSYNC_RUNNING_PER_USER: '100000', FIELDSYNC_RUNNING_BYTES_PER_USER: '1000000000000' } }),
      });
    }
    writeFileSync(path.join(ROOT, 'bench', 'results', args.quick ? 'flood-quick.json' : 'flood.json'), `${JSON.stringify({ at: new Date().toISOString(), runs }, null, 2)}\n`);
    if (args.only?.size === 1) return;
  }
  const started = Date.now();
  const maxSeconds = args.quick ? 600 : 2400;
  const work = mkdtempSync(path.join(os.tmpdir(), 'fieldsync-bench-'));
  log(`fieldsync bench: ${args.quick ? 'quick' : 'full'}, ${args.runs} run(s) after a warm-up, work dir ${work}`);
  const appDir = args.appDir ?? ROOT;
  const ownServersOnly = args.only !== null && [...args.only].every((s) => OWN_SERVERS.has(s));
  if (!args.appDir && !ownServersOnly) ensureBuild(args.build);

  const servers = {
    pg: new FieldsyncServer('postgres', appDir, work),
    pglite: new FieldsyncServer('pglite', appDir, work),
  };
  const pouch = new PouchServer(ROOT, work);
  const raw = new RawPostgres();
  const checks: Check[] = [];
  const notes: string[] = [];
  const results: CaseResult[] = [];
  const fieldsync: FieldsyncWorld[] = [];
  let photos: PhotoResults | undefined;
  const browserFigures = new BrowserFigures();
  const cleanup = async () => {
    await Promise.allSettled([closeBrowser(), servers.pg.stop(), servers.pglite.stop(), pouch.stop(), raw.stop()]);
  };
  const onSignal = () => {
    killAllChildren();
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    for (const [id, server] of ownServersOnly ? [] : ([['fieldsync-pg', servers.pg], ['fieldsync-pglite', servers.pglite]] as const)) {
      try {
        await server.start(maxSeconds);
        const missing = await server.missingEndpoints();
        if (missing.length) throw new Error(`the built app lacks: ${missing.join(', ')} (rebuild with --build once they exist)`);
        fieldsync.push(await setUpFieldsync(id, server, sizes));
        log(`${id} ready at ${server.baseUrl}`);
      } catch (e) {
        notes.push(`${id} could not run: ${describe(e)}`);
        log(`${id} could not run: ${describe(e)}`);
        await server.stop();
      }
    }
    if (!ownServersOnly) {
      await pouch.start(maxSeconds);
      log(`pouchdb ready at ${pouch.baseUrl}`);
      await raw.start([ENTITIES.push, ...ENTITIES.pull]);
    }
    const world: World = {
      sizes,
      fieldsync,
      pouch: ownServersOnly ? null : { server: pouch, applied: new Map() },
      raw: ownServersOnly ? null : { db: raw, applied: new Map() },
    };

    const plan: Array<[string, () => ReturnType<typeof pushCases>]> = [
      ['pull', () => pullCases(world, false)],
      ['pull-selective', () => pullCases(world, true)],
      ['push', () => pushCases(world)],
      ['push-engine', () => pushEngineCases(world)],
      ['push-link', () => linkCases(world, 1)],
      ['push-link-engine', () => linkCases(world, PUSH_LANES)],
      ['replay', () => replayCases(world)],
      ['conflicts', () => conflictCases(world)],
      ['devices', () => deviceCases(world)],
      ['devices-instances', () => instanceCases(world, appDir, work, maxSeconds)],
      ['browser', () => browserCases(world, ROOT, args.browserServers, log, browserFigures)],
      ['browser-pull', () => browserPullCases(world, ROOT, args.browserServers, log, browserFigures)],
    ];
    for (const [id, cases] of plan) {
      if (!wanted(id)) continue;
      log(`\n${SCENARIOS[id]}`);
      const runs = id.startsWith('browser') ? args.browserRuns : id.startsWith('push-link') ? Math.min(args.runs, LINK_RUNS) : args.runs;
      results.push(...(await runScenario(REPORTED_AS[id] ?? id, cases(), { runs, log })));
    }
    for (const w of fieldsync) if (w.server.sql) checks.push(...(await totalsCheck(w)));
    // Photos over the mobile link: its own API server and baseline server, minutes per side.
    if (wanted('photos')) {
      const photoSizing = photoSizes(args.quick, args.photos);
      log(`\n${photoTitle(photoSizing)}`);
      photos = await runPhotos({ root: ROOT, work, maxSeconds, sizes: photoSizing, runs: Math.min(args.runs, PHOTO_RUNS), log });
    }
  } finally {
    await cleanup();
  }
  for (const w of fieldsync) if (!w.server.sql) checks.push(...(await totalsCheck(w)));
  rmSync(work, { recursive: true, force: true });

  const report: Report = {
    meta: {
      command: `npm run bench${process.argv.slice(2).length ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
      date: new Date(started).toISOString(),
      durationSeconds: Math.round((Date.now() - started) / 1000),
      quick: args.quick,
      runs: args.runs,
      browserRuns: args.browserRuns,
      sizes,
      commit: text('git', ['rev-parse', '--short', 'HEAD']),
      node: process.version,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.cpus().length,
      postgres: text('psql', [ADMIN_URL, '-Atc', 'SHOW server_version']).replace(/^/, 'PostgreSQL '),
      pglite: (JSON.parse(readFileSync(path.join(ROOT, 'node_modules/@electric-sql/pglite/package.json'), 'utf8')) as { version: string }).version,
      pouchdb: (JSON.parse(readFileSync(path.join(ROOT, 'node_modules/pouchdb/package.json'), 'utf8')) as { version: string }).version,
      loadAverageAtStart: os.loadavg(),
    },
    scenarios: Object.fromEntries(Object.entries(SCENARIOS).filter(([id]) => results.some((r) => r.scenario === id))),
    results,
    goals: goals(results),
    otherRatios: otherRatios(results),
    checks,
    notes: [...notes, ...browserFigures.lines(), ...MEASUREMENT_NOTES, ...(photos ? [PHOTO_MEASUREMENT_NOTE] : [])],
    ...(photos ? { photos } : {}),
  };
  writeReport(args.out, report);
  if (!args.quick && !args.only && updateReadme(path.join(ROOT, 'README.md'), report)) log('README.md benchmark table updated');
  log(`\nresults written to ${args.out}/results.{json,md} and chart.svg`);
  for (const g of report.goals) log(`goal ${g.goal} (${g.contender}): ${g.ratio === null ? 'not measured' : `${g.ratio.toFixed(2)}×`} ${g.met ? 'met' : g.met === null ? '' : 'NOT met'}`);
  for (const r of report.otherRatios) if (r.ratio !== null) log(`not a goal: ${r.measure} (${r.contender}): ${r.ratio.toFixed(2)}×`);
  for (const line of browserFigures.lines()) log(line);
  for (const g of photos?.goals ?? []) log(`photos goal ${g.goal}: ${g.measured} ${g.met ? 'met' : g.met === null ? '' : 'NOT met'}`);
  for (const c of checks) log(`check ${c.name}: ${c.ok ? 'ok' : 'FAILED'} (${c.detail})`);
  const bad = results.filter((r) => !r.correct);
  if (bad.length) {
    log(`\n${bad.length} case(s) failed or had wrong results: ${bad.map((b) => `${b.scenario}/${b.contender}`).join(', ')}`);
    process.exitCode = 1;
  }
  if (checks.some((c) => !c.ok)) process.exitCode = 1;
  if (photos && (photos.errors.length > 0 || photos.runs.some((r) => r.problems.length > 0))) process.exitCode = 1;
}

const MEASUREMENT_NOTES = [
  'Changes per second: changes in one run divided by its wall time, measured at the client (this process) from the first request to the last answer; median, min and max of the measured runs, after one warm-up run that is not counted. Contenders take turns within each round (rotated order), so a slow spell of the machine does not fall on one of them only.',
  'HTTP requests and bytes are counted at the client by a fetch over node:http with its own keep-alive agent per contender: bytes are everything written to and read from the sockets (request lines, headers, bodies as sent, gzip/brotli-compressed where the server compresses; both servers compress), excluding TCP/IP framing. Fieldsync\'s push bodies are gzip-encoded by the client, the same bytes as the app\'s engine sends (its CompressionStream, src/client/compress.ts; the bench makes them with node:zlib, which is faster in Node, bench/support/request-body.ts); PouchDB\'s replicator sends its bodies as they are. The bench\'s records repeat much of their text from one to the next, so they shrink more (about 10×) than real field data would (typically 3–6×).',
  'Server CPU: utime+stime from /proc of the server child process and all its descendants (the `timeout` wrapper, node running the Fieldsync server — the API on the Node http server and Next.js in one process — or express-pouchdb), before and after each run. With PGlite the database runs inside the server process, so its CPU is in the server column. PouchDB/express-pouchdb keeps its LevelDB in the server process too.',
  'PG backends CPU: utime+stime from /proc of every PostgreSQL backend connected to the contender\'s own database (found in pg_stat_activity) before and after each run; a backend that connected during the run counts from zero; one that exited during the run would be missed (pools keep their connections, so none do). PostgreSQL\'s background processes (WAL writer, checkpointer) are not counted.',
  'Client CPU: this bench process (process.cpuUsage), which plays the devices: for PouchDB it includes the replicator and the device\'s LevelDB store; for Fieldsync it is HTTP plus JSON encoding and parsing (the device engine\'s IndexedDB work is measured only in the browser case). In the browser case it is the Playwright driver, not Chromium, whose work shows only in the wall time.',
  'Latency (50 devices): per HTTP request, from the call to the last byte of the answer; PouchDB\'s replicator makes about 15 smaller requests per 100 documents (revs_diff, bulk_docs, checkpoints), Fieldsync one per 100 changes, each device with 2 in flight as the app\'s engine sends them (so a request waits behind its device\'s other one at the server).',
  'Mobile link (push-link): the bench reaches each server through a TCP proxy in this process (bench/support/shared-link.ts) shaped as Lighthouse\'s mobile throttling preset: every byte arrives 75 ms after it was sent, each way (150 ms round trips), and no faster than 750 kbit/s up and 1.6 Mbit/s down in total, all of a client\'s connections sharing that rate as one radio\'s do; no loss. Measured runs: 3 (a full run) after a warm-up. Fieldsync sends its batches of 100 one after another (push-link) or as the app\'s engine does, 2 in flight (push-link-engine); PouchDB replicates with its replicator; all over kept-alive connections.',
  'Raw PostgreSQL writes the same rows into a fresh database with the Fieldsync schema (same indexes and feed triggers), from this process with `pg`: no HTTP, no auth, no validation, no conflict rule. Its latency figures are per transaction.',
  'Correctness: after every run the server state is checked: PostgreSQL counts by device id (records, idempotency log entries, versions after a replay, sync_conflicts rows for the conflicting changes), PouchDB document counts and documents with conflicting revisions; and at the end the totals of records, sync_changes and sync_conflicts on each Fieldsync database (PGlite reopened after its server stopped) are compared with what the whole run should have left.',
];

main().catch((e: unknown) => {
  console.error(e);
  killAllChildren();
  process.exit(1);
});
