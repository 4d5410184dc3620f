// `npm run chaos`: the whole system under real faults, counting what came out (chaos/README.md).
//   npm run chaos -- --quick          ≥ 5,000 changes and ≥ 200 faults, a few minutes; report to a temp dir
//   npm run chaos                     ≥ 100,000 changes and ≥ 1,000 faults; report to chaos/results/
//   npm run chaos -- --prove          short runs against deliberately broken copies (prove.ts)
//   --seed N   replays the fault schedule of seed N      --out DIR   where the report goes
//   --changes N   another target of saved changes (shorter or longer runs)
// Exits non-zero when anything was lost, duplicated, diverged or stuck.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { prove } from './prove';
import { writeReport } from './report';
import { runChaos } from './scenario';

const say = (line: string) => process.stdout.write(`${line}\n`);

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const flag = (name: string) => process.argv.includes(name);

async function main(): Promise<number> {
  const root = path.resolve(import.meta.dirname, '..');
  const seed = arg('--seed') !== undefined ? Number(arg('--seed')) : Math.floor(Math.random() * 2 ** 31);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed wants a non-negative integer, got ${arg('--seed')}`);
  if (flag('--prove')) {
    say(`chaos --prove: seed ${seed} (reproduce with --seed ${seed})`);
    return prove(root, seed, say, arg('--variant'));
  }

  const quick = flag('--quick');
  const targetChanges = arg('--changes') !== undefined ? Number(arg('--changes')) : quick ? 5_000 : 100_000;
  const minFaults = arg('--faults') !== undefined ? Number(arg('--faults')) : targetChanges >= 100_000 ? 1_000 : targetChanges >= 5_000 ? 200 : 0;
  const out = arg('--out') ?? (quick || arg('--changes') ? mkdtempSync(path.join(os.tmpdir(), 'fieldsync-chaos-')) : path.join(root, 'chaos', 'results'));
  const name = arg('--name') ?? (quick ? 'quick' : 'full');
  mkdirSync(out, { recursive: true });
  // Server and PostgreSQL logs: kept only when the run fails.
  const work = arg('--logs') ?? mkdtempSync(path.join(os.tmpdir(), `fieldsync-chaos-${name}-logs-`));
  mkdirSync(work, { recursive: true });
  say(`chaos: seed ${seed} (reproduce with --seed ${seed}); ${targetChanges} changes, at least ${minFaults} faults`);
  const result = await runChaos({
    seed,
    root,
    work,
    targetChanges,
    minFaults,
    instances: 2,
    devicesPerUser: 3,
    systemFaultEveryMs: 500,
    proxyFaultRate: 0.3,
    tokenTtlSeconds: 20,
    drainMs: targetChanges >= 100_000 ? 600_000 : 150_000,
    maxFaultPhaseMs: targetChanges >= 100_000 ? 4 * 3600_000 : 200_000,
    log: say,
  });
  const files = writeReport(out, name, result, `Chaos run (${name})`);
  say(`lost ${result.lost}, duplicated ${result.duplicated}, diverged ${result.diverged}, stuck ${result.stuck}; ${result.changes} changes, ${result.totalFaults} faults ${JSON.stringify(result.faults)}`);
  for (const e of result.examples) say(`  ${e}`);
  say(`report: ${files.join(', ')}`);
  const enough = result.changes >= targetChanges && result.totalFaults >= minFaults;
  if (!enough) say(`the run fell short of its targets (${targetChanges} changes, ${minFaults} faults)`);
  const passed = result.lost + result.duplicated + result.diverged + result.stuck === 0 && enough;
  if (passed) rmSync(work, { recursive: true, force: true });
  else say(`server logs kept in ${work}`);
  return passed ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`chaos failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(2);
  },
);
