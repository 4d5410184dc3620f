// An A/B of server variants on the devices scenario (bench/scenarios/devices.ts: 50 devices
// pushing at once, batches of 100 with the engine's lanes), on PostgreSQL. Each arm is the real
// API server (api-main.ts, no build) with its own environment on its own fresh database; every
// round runs each arm once, in an order rotated round by round, so that a slow spell of a shared
// machine does not fall on one arm only. Reports changes/s per arm and round, the medians, and
// each arm's ratio to the first: of the medians, and the median of the per-round ratios.
// An arm is the server's environment, so the variants compared are switched by environment
// variables the server reads.
//
//   npx tsx bench/ab-push-guess.ts --arm a:VAR=value,VAR=value --arm b:VAR=other [--arm …]
//     [--rounds 10] [--per-device 200] [--out bench/results/ab-push-guess.json]
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { FieldsyncServer } from './contenders/fieldsync';
import { deviceCases } from './scenarios/devices';
import { setUpFieldsync } from './scenarios/setup';
import type { Sizes, World } from './scenarios/world';
import { createDatabase, dropDatabase, migrateAndSeed } from './support/postgres';
import { type Child, freePort, startChild, waitForHttp } from './support/processes';
import { median } from './support/stats';

const ROOT = path.resolve(import.meta.dirname, '..');

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '10' },
    'per-device': { type: 'string', default: '200' },
    out: { type: 'string', default: path.join(ROOT, 'bench/results/ab-push-guess.json') },
    arm: { type: 'string', multiple: true },
  },
});

interface Arm {
  readonly name: string;
  readonly env: Record<string, string>;
}

function parseArm(spec: string): Arm {
  const [name, vars = ''] = spec.split(':', 2) as [string, string?];
  const env = Object.fromEntries(vars.split(',').filter(Boolean).map((kv) => kv.split('=', 2) as [string, string]));
  return { name, env };
}

const arms = (values.arm ?? []).map(parseArm);
if (arms.length < 2) throw new Error('give at least two arms: --arm name:VAR=value,… --arm …');
const rounds = Number(values.rounds);
const sizes: Sizes = { n: 0, big: 0, devices: 50, perDevice: Number(values['per-device']), deviceUsers: 10, conflictShare: 0, pullLimit: 500, linkN: 0 };

interface Running {
  readonly arm: Arm;
  readonly child: Child;
  readonly dbName: string;
  readonly world: World;
  readonly rates: number[];
}

async function start(arm: Arm, i: number): Promise<Running> {
  const dbName = `fieldsync_ab_${process.pid}_${i}`;
  const url = await createDatabase(dbName);
  await migrateAndSeed(url, ROOT);
  const port = await freePort();
  const child = startChild({
    name: `ab-${arm.name}`,
    command: process.execPath,
    args: ['--import', 'tsx', path.join(ROOT, 'src/server/node/api-main.ts'), '--port', String(port), '--hostname', '127.0.0.1'],
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: url,
      FIELDSYNC_SYNC_RATE_PER_MINUTE: '100000000',
      FIELDSYNC_WORK_UNITS_PER_MINUTE: '1000000000',
      FIELDSYNC_WORK_BURST: '1000000000',
      FIELDSYNC_SYNC_BURST: '1000000000',
      FIELDSYNC_MAX_IN_FLIGHT: '100000',
      FIELDSYNC_MAX_IN_FLIGHT_PER_USER: '100000',
      FIELDSYNC_LOG_LEVEL: 'warn',
      FIELDSYNC_JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123456789',
      ...arm.env,
    },
    logFile: path.join('/tmp', `ab-${arm.name}-${process.pid}.log`),
    maxSeconds: 3600,
  });
  const server = new FieldsyncServer('postgres', ROOT, '/tmp');
  server.baseUrl = `http://127.0.0.1:${port}`;
  await waitForHttp(`${server.baseUrl}/api/v1/health`, child, 120_000);
  const fieldsync = await setUpFieldsync('fieldsync-pg', server, sizes);
  return { arm, child, dbName, world: { sizes, fieldsync: [fieldsync], pouch: null, raw: null }, rates: [] };
}

/** One run of the devices case on `r`: changes/s, after checking every change was applied. */
async function round(r: Running, run: number): Promise<number> {
  const c = deviceCases(r.world).find((x) => x.contender === 'fieldsync-pg')!;
  const prepared = await c.prepare(run);
  const t0 = performance.now();
  await c.execute(prepared);
  const seconds = (performance.now() - t0) / 1000;
  const problems = await c.verify(prepared, run);
  if (problems.length > 0) throw new Error(`${r.arm.name} round ${run}: ${problems.join('; ')}`);
  return c.changes / seconds;
}

const running: Running[] = [];
try {
  for (const [i, arm] of arms.entries()) running.push(await start(arm, i));
  // Round 0 warms every arm up (connections, statements, JIT) and is not counted.
  for (let run = 0; run <= rounds; run++) {
    const order = running.map((_, i) => running[(i + run) % running.length]!);
    const line: string[] = [];
    for (const r of order) {
      const rate = await round(r, run);
      if (run > 0) r.rates.push(rate);
      line.push(`${r.arm.name} ${rate.toFixed(0)}/s`);
    }
    console.log(`round ${run}${run === 0 ? ' (warm-up)' : ''}: ${line.join(', ')}`);
  }
  const first = running[0]!.rates;
  const base = median(first);
  const result = {
    bench: 'ab-push',
    at: new Date().toISOString(),
    loadAverage: loadavg(),
    devices: sizes.devices,
    perDevice: sizes.perDevice,
    rounds,
    arms: running.map((r) => ({ name: r.arm.name, env: r.arm.env, changesPerSecond: r.rates.map((x) => Math.round(x)), median: Math.round(median(r.rates)), ratioToFirst: Number((median(r.rates) / base).toFixed(3)),
      pairedRatioToFirst: Number(median(r.rates.map((x, i) => x / first[i]!)).toFixed(3)),
    })),
  };
  for (const a of result.arms) console.log(`${a.name}: median ${a.median}/s, ${a.ratioToFirst}× ${running[0]!.arm.name} (per round: ${a.pairedRatioToFirst}×)`);
  writeFileSync(values.out!, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`written to ${values.out}`);
} finally {
  for (const r of running) {
    await r.child.stop();
    await dropDatabase(r.dbName).catch((e: unknown) => console.warn(`could not drop ${r.dbName}: ${String(e)}`));
  }
}
