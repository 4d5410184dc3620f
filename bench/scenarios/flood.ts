// Fairness under a flood: two users on the real API server on PostgreSQL, with the default
// limits. Ben sends one-change pushes at a steady pace, alone (idle) and while Ana floods with
// heavy pushes (100 changes of ~8 KiB each, 200 work units) from several connections, as fast
// as her budget lets her (she waits out each 429's Retry-After, as the engine does), in
// alternating rounds. Reported: Ben's push latency p50/p95 idle and during the flood, their
// ratio (goal: p95 at most 3× idle), and what Ana got through.
// Runs alone: `npm run bench -- --only flood` (no Next.js build: the server is api-main.ts).
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import path from 'node:path';
import { DEMO_ENTITIES, DEMO_PASSWORD } from '@/server/seed/demo';
import { createDatabase, dropDatabase } from '../support/postgres';
import { percentiles } from '../support/stats';

const ROUNDS = 4;
const IDLE_PUSHES_PER_ROUND = 50;
const FLOOD_SECONDS_PER_ROUND = 8;
const BEN_EVERY_MS = 100;
const FLOODERS = 6;
const HEAVY_CHANGES = 100;
const HEAVY_DATA_CHARS = 8_000;

export interface FloodResult {
  readonly idle: { p50: number; p95: number; n: number };
  readonly flood: { p50: number; p95: number; n: number };
  /** During the flood, once Ana's burst was spent (her first 429): her sustained rate only. */
  readonly sustained: { p50: number; p95: number; n: number };
  readonly ratioP95: number;
  readonly ana: { changesApplied: number; pushes: number; limited: number; seconds: number };
  readonly goalMet: boolean;
}

let counter = 0;
const hlc = (node: string) => `${new Date().toISOString()}-${(counter++ % 0xffff).toString(16).padStart(4, '0')}-${node}`;

function change(entityId: string, node: string, chars: number) {
  return {
    changeId: randomUUID(),
    type: 'assessment',
    action: 'create',
    recordId: randomUUID(),
    entityId,
    baseVersion: 0,
    hlc: hlc(node),
    data: { title: 'flood', notes: 'x'.repeat(chars) },
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function login(url: string, email: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: DEMO_PASSWORD }),
  });
  const body = (await res.json()) as { token?: string };
  if (!body.token) throw new Error(`login of ${email}: ${res.status}`);
  return body.token;
}

async function push(url: string, token: string, body: string): Promise<{ status: number; ms: number; retryAfter: number; applied: number }> {
  const t0 = performance.now();
  const res = await fetch(`${url}/api/v1/sync/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body,
  });
  const json = (await res.json()) as { successful?: unknown[] };
  return { status: res.status, ms: performance.now() - t0, retryAfter: Number(res.headers.get('retry-after') ?? 0), applied: json.successful?.length ?? 0 };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startServer(root: string, databaseUrl: string, extraEnv: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, FIELDSYNC_DEMO: '1', FIELDSYNC_LOG_LEVEL: 'warn', NODE_ENV: 'production', ...extraEnv };
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/server/node/api-main.ts'), '--port', String(port), '--hostname', '127.0.0.1'], {
    cwd: root,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await fetch(`${url}/api/v1/health`).then((r) => r.status === 200, () => false);
    if (ok) return { url, child };
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('the flood server did not start');
    await sleep(250);
  }
}

/** Ben's one-change pushes at a steady pace until `until()` says stop; their latencies. */
async function steadyPushes(url: string, token: string, until: (n: number) => boolean, at: number[] = []): Promise<number[]> {
  const ms: number[] = [];
  while (!until(ms.length)) {
    const started = performance.now();
    const r = await push(url, token, JSON.stringify({ deviceId: 'flood_ben', changes: [change(DEMO_ENTITIES.riverside.id, 'ben', 200)] }));
    if (r.status !== 200) throw new Error(`ben's push answered ${r.status}`);
    ms.push(r.ms);
    at.push(started);
    await sleep(Math.max(0, BEN_EVERY_MS - (performance.now() - started)));
  }
  return ms;
}

export interface FloodOptions {
  /** Extra environment for the server (e.g. FIELDSYNC_RUNNING_PER_USER for an A/B). */
  readonly env?: Record<string, string>;
}

export async function runFlood(root: string, log: (line: string) => void, opts: FloodOptions = {}): Promise<FloodResult> {
  const dbName = `fieldsync_flood_${process.pid}_${Date.now().toString(36)}`;
  const databaseUrl = await createDatabase(dbName);
  const { url, child } = await startServer(root, databaseUrl, opts.env ?? {});
  try {
    const ana = await login(url, 'ana@demo.fieldsync');
    const ben = await login(url, 'ben@demo.fieldsync');
    // Warm-up: connections, prepared statements.
    await steadyPushes(url, ben, (n) => n >= 20);

    // Idle and flood phases take turns, so both see the same spells of a busy machine.
    const idle: number[] = [];
    const during: number[] = [];
    const late: number[] = [];
    const tally = { changesApplied: 0, pushes: 0, limited: 0 };
    let burstSpentAt = Number.POSITIVE_INFINITY;
    let floodMs = 0;
    for (let round = 0; round < ROUNDS; round++) {
      idle.push(...(await steadyPushes(url, ben, (n) => n >= IDLE_PUSHES_PER_ROUND)));
      const benAt: number[] = [];
      const floodStart = performance.now();
      const floodEnd = floodStart + FLOOD_SECONDS_PER_ROUND * 1000;
      const flooder = async (i: number) => {
        while (performance.now() < floodEnd) {
          const changes = Array.from({ length: HEAVY_CHANGES }, () => change(DEMO_ENTITIES.campNorth.id, `ana${i}`, HEAVY_DATA_CHARS));
          const r = await push(url, ana, JSON.stringify({ deviceId: `flood_ana_${i}`, changes }));
          tally.pushes++;
          if (r.status === 429) {
            tally.limited++;
            burstSpentAt = Math.min(burstSpentAt, performance.now());
            await sleep(r.retryAfter * 1000);
          } else tally.changesApplied += r.applied;
        }
      };
      const [ms] = await Promise.all([
        steadyPushes(url, ben, () => performance.now() >= floodEnd, benAt),
        ...Array.from({ length: FLOODERS }, (_, i) => flooder(i)),
      ]);
      floodMs += performance.now() - floodStart;
      during.push(...ms);
      late.push(...ms.filter((_, k) => benAt[k]! >= burstSpentAt));
      log(`flood: round ${round + 1} of ${ROUNDS} done`);
    }
    const seconds = floodMs / 1000;
    const i = percentiles(idle);
    const f = percentiles(during);
    const s = percentiles(late);
    const result: FloodResult = {
      idle: { p50: i.p50, p95: i.p95, n: idle.length },
      flood: { p50: f.p50, p95: f.p95, n: during.length },
      sustained: { p50: s.p50, p95: s.p95, n: late.length },
      ratioP95: f.p95 / i.p95,
      ana: { ...tally, seconds },
      goalMet: f.p95 <= 3 * i.p95,
    };
    const r1 = (x: number) => x.toFixed(1);
    log(`flood: Ben's one-change push, idle p50 ${r1(i.p50)} ms, p95 ${r1(i.p95)} ms (${idle.length} pushes)`);
    log(`flood: during Ana's flood p50 ${r1(f.p50)} ms, p95 ${r1(f.p95)} ms (${during.length} pushes); p95 ratio ${result.ratioP95.toFixed(2)}× (goal ≤ 3×: ${result.goalMet ? 'met' : 'MISSED'})`);
    log(`flood: once Ana's burst was spent p50 ${r1(s.p50)} ms, p95 ${r1(s.p95)} ms (${late.length} pushes); p95 ratio ${(s.p95 / i.p95).toFixed(2)}×`);
    log(`flood: Ana got ${tally.changesApplied} changes applied in ${r1(seconds)} s of flood (${tally.pushes} pushes of ${HEAVY_CHANGES} × ${HEAVY_DATA_CHARS / 1000} KB, ${tally.limited} answered 429)`);
    return result;
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await dropDatabase(dbName).catch(() => {});
  }
}
