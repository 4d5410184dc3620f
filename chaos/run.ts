// `npm run chaos`: the whole system under real faults, counting what came out (chaos/README.md).
//   npm run chaos -- --quick          ≥ 5,000 changes and ≥ 200 faults, a few minutes; report to a temp dir
//   npm run chaos                     ≥ 100,000 changes and ≥ 1,000 faults; report to chaos/results/
//   npm run chaos -- --prove          short runs against deliberately broken copies (prove.ts)
//   --seed N   replays the fault schedule of seed N      --out DIR   where the report goes
//   --changes N   another target of saved changes (shorter or longer runs)
//   --timeout-minutes N   the hard bound of the whole run (every server and the cluster are stopped)
//   --photo-rate P   the chance that an edit attaches a photo (0.02)
//   --browsers N   how many of the nine devices run the engine in Chromium (2 for --quick and
//                  the full run, none for other --changes runs such as prove.ts's variants)
//   --drain-stall-seconds N   the drain stops after this long without progress (120)
//   --system-fault-ms N   the mean gap between system faults (500; 4000 for the full run, whose
//                  half hour of Chromium relaunches every few seconds would leave little machine for edits)
// Exits 1 when anything was lost, duplicated, diverged or stuck (or the run fell short of its
// targets), 2 when the harness itself failed, 3 at the hard timeout, 4 on a signal.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { problems } from './check';
import { EXIT, HarnessError, guardProcess } from './guard';
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
  if (!Number.isInteger(seed) || seed < 0) throw new HarnessError(`--seed wants a non-negative integer, got ${arg('--seed')}`);
  const quick = flag('--quick');
  const targetChanges = arg('--changes') !== undefined ? Number(arg('--changes')) : quick ? 5_000 : 100_000;
  const full = targetChanges >= 100_000;
  const minutes = arg('--timeout-minutes') !== undefined ? Number(arg('--timeout-minutes')) : flag('--prove') ? 40 : full ? 300 : quick ? 15 : 10;
  if (!(minutes > 0)) throw new HarnessError(`--timeout-minutes wants a positive number, got ${arg('--timeout-minutes')}`);
  guardProcess(flag('--prove') ? 'chaos --prove' : 'chaos', minutes * 60_000);
  if (flag('--prove')) {
    say(`chaos --prove: seed ${seed} (reproduce with --seed ${seed})`);
    const changes = arg('--variant-changes') !== undefined ? Number(arg('--variant-changes')) : undefined;
    return prove({ root, seed, say, only: arg('--variant'), out: arg('--out'), changes });
  }

  const browsers = arg('--browsers') !== undefined ? Number(arg('--browsers')) : full || quick ? 2 : 0;
  if (!Number.isInteger(browsers) || browsers < 0 || browsers > 9) throw new HarnessError(`--browsers wants an integer from 0 to 9, got ${arg('--browsers')}`);
  const killWeight = arg('--kill-weight') !== undefined ? Number(arg('--kill-weight')) : 1;
  if (!Number.isInteger(killWeight) || killWeight < 0 || killWeight > 20) throw new HarnessError(`--kill-weight wants an integer from 0 to 20, got ${arg('--kill-weight')}`);
  const systemFaultEveryMs = arg('--system-fault-ms') !== undefined ? Number(arg('--system-fault-ms')) : full ? 4_000 : 500;
  if (!(systemFaultEveryMs >= 50)) throw new HarnessError(`--system-fault-ms wants a number of at least 50, got ${arg('--system-fault-ms')}`);
  const minFaults = arg('--faults') !== undefined ? Number(arg('--faults')) : full ? 1_000 : targetChanges >= 5_000 ? 200 : 0;
  const out = arg('--out') ?? (quick || arg('--changes') ? mkdtempSync(path.join(os.tmpdir(), 'fieldsync-chaos-')) : path.join(root, 'chaos', 'results'));
  const name = arg('--name') ?? (quick ? 'quick' : arg('--changes') ? 'run' : 'full');
  mkdirSync(out, { recursive: true });
  // Server and PostgreSQL logs: kept only when the run fails.
  const work = arg('--logs') ?? mkdtempSync(path.join(os.tmpdir(), `fieldsync-chaos-${name}-logs-`));
  mkdirSync(work, { recursive: true });
  say(`chaos: seed ${seed} (reproduce with --seed ${seed}); ${targetChanges} changes, at least ${minFaults} faults, ${browsers} device(s) in Chromium; hard timeout ${minutes} min`);
  say(`server logs in ${work} (kept when the run fails)`);
  const result = await runChaos({
    seed,
    root,
    work,
    targetChanges,
    minFaults,
    instances: 2,
    devicesPerUser: 3,
    browsers,
    systemFaultEveryMs,
    killWeight: killWeight,
    proxyFaultRate: 0.3,
    tokenTtlSeconds: 20,
    photoRate: arg('--photo-rate') !== undefined ? Number(arg('--photo-rate')) : 0.02,
    drainStallMs: (arg('--drain-stall-seconds') !== undefined ? Number(arg('--drain-stall-seconds')) : 120) * 1000,
    drainMs: full ? 3600_000 : 900_000,
    // Generous: a loaded machine is slower, and the hard timeout bounds the whole run anyway.
    maxFaultPhaseMs: full ? 4 * 3600_000 : 600_000,
    log: (line) => void say(line),
  });
  const files = writeReport(out, name, result, `Chaos run (${name})`);
  say(
    `lost ${result.lost}, duplicated ${result.duplicated}, diverged ${result.diverged}, stuck ${result.stuck}, photos lost ${result.photosLost}; ${result.changes} changes, ${result.photos} photos, ${result.totalFaults} faults ${JSON.stringify(result.faults)}`,
  );
  for (const e of result.examples) say(`  ${e}`);
  say(`report: ${files.join(', ')}`);
  const enough = result.changes >= targetChanges && result.totalFaults >= minFaults;
  if (!enough) say(`the run fell short of its targets (${targetChanges} changes, ${minFaults} faults)`);
  if (result.instanceCrashes > 0) say(`API instances exited by themselves ${result.instanceCrashes} time(s): see the server logs`);
  const passed = problems(result) === 0 && result.instanceCrashes === 0 && enough;
  if (passed) rmSync(work, { recursive: true, force: true });
  else say(`server logs kept in ${work}`);
  say(passed ? 'PASS' : 'FAIL');
  return passed ? 0 : EXIT.failed;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    const why = e instanceof HarnessError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e);
    process.stderr.write(`\nchaos FAILED: the harness could not finish the run, no report: ${why}\n`);
    process.exit(EXIT.harness);
  },
);
