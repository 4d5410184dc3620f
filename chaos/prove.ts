// `npm run chaos -- --prove`: the checks can fail. Each variant is a temporary copy of the app
// (src/ and what it needs, node_modules linked) with one deliberate bug patched in; a short
// chaos run against it must report the damage that bug does, or the check meant to see it is
// blind. The patches touch the copy only. A patch whose target text is gone fails loudly (the
// code moved: the variant must be brought up to date, not silently skipped). A variant's run
// that leaves no report (a harness failure, its hard timeout) fails the proof.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EXIT } from './guard';
import type { RunResult } from './scenario';

interface Patch {
  readonly file: string;
  readonly from: string;
  readonly to: string;
}

interface Variant {
  readonly name: string;
  readonly bug: string;
  /** The counts that must come out non-zero… */
  readonly expect: ReadonlyArray<'lost' | 'duplicated' | 'diverged' | 'stuck' | 'photosLost'>;
  /** …all of them, or (for a bug whose damage lands on records or photos, as the run's timing falls) any one. */
  readonly expectAny?: boolean;
  /** Browser kills drawn this many times as often as by default (see --kill-weight). */
  readonly killWeight?: number;
  readonly patches: readonly Patch[];
  /** More photos than the default 2 % of edits. */
  readonly photoRate?: number;
  /** Faults its run needs at least, as a share of its changes (default 1 in 25). */
  readonly faultsPerChange?: number;
  /** Devices in Chromium (default none: the variants of the server and engine run on Node devices). */
  readonly browsers?: number;
}

export const VARIANTS: readonly Variant[] = [
  {
    name: 'no-idempotency-log',
    bug: 'the server does not look change ids up: a change sent again is decided again',
    expect: ['duplicated'],
    patches: [
      { file: 'src/server/sync/push/load-batch.ts', from: 'where change_id = any(${changeIds})', to: 'where false and change_id = any(${changeIds})' },
      { file: 'src/server/sync/push/write-batch.ts', from: '    counted.push(sql`(select count(*) from logged)::int`);\n', to: '' },
      { file: 'src/server/sync/push/write-batch.ts', from: 'const expected = records.length + log.length + plan.references.length;', to: 'const expected = records.length + plan.references.length;' },
    ],
  },
  {
    name: 'cursor-past-open-transactions',
    bug: 'the pull feed serves rows of transactions newer than one still running (a cursor by time does the same): a commit that lands behind the cursor is never pulled',
    expect: ['diverged'],
    patches: [
      { file: 'src/server/sync/pull/pull-feed.ts', from: '          and r.txid < (select xmin from snap)\n', to: '' },
      // A slower commit widens the window the bug needs, so a short run meets it.
      { file: 'src/server/sync/push/write-batch.ts', from: ') as written`);', to: ') as written, pg_sleep(0.2 + random() * 1.2)`);' },
    ],
  },
  {
    name: 'outbox-entry-removed-before-answer',
    bug: 'the device deletes an outbox entry when it sends it, before the answer is stored',
    expect: ['lost'],
    patches: [
      {
        file: 'src/client/push.ts',
        from: '    response = await ctx.transport.push(ctx.token, { deviceId: ctx.deviceId, changes: entries.map(toChange) });',
        to: '    const changes = entries.map(toChange);\n    await ctx.db.outbox.bulkDelete(entries.map((x) => x.seq));\n    response = await ctx.transport.push(ctx.token, { deviceId: ctx.deviceId, changes });',
      },
    ],
  },
  {
    name: 'conflict-drops-loser',
    bug: 'a conflict is decided but its conflict-log entry (the losing side) is not written',
    expect: ['lost'],
    patches: [{ file: 'src/server/sync/push/write-batch.ts', from: '  if (conflicts.length > 0)\n', to: '  if (conflicts.length < 0)\n' }],
  },
  {
    name: 'upload-cut-taken-as-done',
    bug: 'the device takes a photo upload whose connection was cut for a finished one',
    expect: ['photosLost'],
    // More photos and a longer fault phase: a photo uploads once its record is pushed and
    // pulled back, so a short run under faults must last long enough for uploads to meet cuts.
    photoRate: 0.15,
    faultsPerChange: 0.15,
    patches: [
      {
        file: 'src/client/media/tus-upload.ts',
        from: "    return { kind: 'failed', error: `network error: ${cause?.message ?? error.message}` };",
        to: "    return { kind: 'uploaded' };",
      },
    ],
  },
  {
    name: 'safety-copy-not-restored',
    bug: 'a database the browser deleted is not filled back from the safety copy: what the device had not sent is gone',
    // What a device had not sent may be changes, or only photos still to upload.
    expect: ['lost', 'photosLost'],
    expectAny: true,
    // Chromium devices, and kills (with and without the IndexedDB deleted) drawn often, so that several happen in a short run.
    browsers: 2,
    faultsPerChange: 0.1,
    killWeight: 6,
    patches: [{ file: 'src/client/engine.ts', from: '    if (device.created && engine.copy) {\n', to: '    if (device.created && engine.copy && false) {\n' }],
  },
];

// bench/ holds the engine's page bundle entry that the Chromium devices load.
const COPIED = ['src', 'chaos', 'bench', 'drizzle', 'scripts', 'package.json', 'tsconfig.json', 'drizzle.config.ts'];

function makeCopy(root: string, v: Variant): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `fieldsync-chaos-${v.name}-`));
  for (const item of COPIED) {
    const from = path.join(root, item);
    if (!existsSync(from)) continue;
    cpSync(from, path.join(dir, item), { recursive: true, filter: (src) => !src.includes(`${path.sep}chaos${path.sep}results`) });
  }
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
  for (const p of v.patches) {
    const file = path.join(dir, p.file);
    const text = readFileSync(file, 'utf8');
    if (!text.includes(p.from)) throw new Error(`variant ${v.name}: ${p.file} no longer contains ${JSON.stringify(p.from)}`);
    writeFileSync(file, text.replace(p.from, p.to));
  }
  return dir;
}

export interface ProveOptions {
  readonly root: string;
  readonly seed: number;
  readonly say: (line: string) => void;
  /** One variant by name (its table goes to prove-<name>.md). */
  readonly only?: string | undefined;
  /** Where the table goes (chaos/results by default). */
  readonly out?: string | undefined;
  /** Saved changes of each variant's run. */
  readonly changes?: number | undefined;
}

/** Each variant's run: a few minutes at most, then SIGTERM (its servers and cluster stop), then SIGKILL. */
const VARIANT_TIMEOUT_MINUTES = 8;

interface Ended {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly tail: string;
}

/** Runs `args` in `cwd`, its lines prefixed and passed on as they come. */
function runVariant(cwd: string, args: readonly string[], say: (line: string) => void): Promise<Ended> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    // However the prove run ends, the variant's run stops too (and stops its servers and cluster).
    const stopChild = () => child.kill('SIGTERM');
    process.once('exit', stopChild);
    let tail = '';
    const pass = (chunk: Buffer) => {
      const text = chunk.toString();
      tail = (tail + text).slice(-4000);
      for (const line of text.split('\n')) if (line.trim() !== '') say(`    | ${line}`);
    };
    child.stdout.on('data', pass);
    child.stderr.on('data', pass);
    // The run has its own hard timeout; this one is for a run that cannot even honour that.
    const term = setTimeout(() => child.kill('SIGTERM'), (VARIANT_TIMEOUT_MINUTES + 2) * 60_000);
    const kill = setTimeout(() => child.kill('SIGKILL'), (VARIANT_TIMEOUT_MINUTES + 3) * 60_000);
    child.on('close', (code, signal) => {
      process.off('exit', stopChild);
      clearTimeout(term);
      clearTimeout(kill);
      resolve({ code, signal, tail });
    });
  });
}

export async function prove(o: ProveOptions): Promise<number> {
  const { root, seed, say, only } = o;
  const selected = VARIANTS.filter((x) => !only || x.name === only);
  if (selected.length === 0) throw new Error(`no variant is called ${only}; there are ${VARIANTS.map((v) => v.name).join(', ')}`);
  const changes = o.changes ?? 1_000;
  let failures = 0;
  const rows: string[] = [];
  for (const v of selected) {
    const dir = makeCopy(root, v);
    const out = path.join(dir, 'out');
    let keep = false;
    const started = Date.now();
    say(`prove ${v.name}: ${v.bug}`);
    try {
      const faults = Math.round(changes * (v.faultsPerChange ?? 1 / 25));
      const args = ['chaos/run.ts', '--changes', String(changes), '--faults', String(faults), '--seed', String(seed), '--photo-rate', String(v.photoRate ?? 0.02), '--browsers', String(v.browsers ?? 0), '--kill-weight', String(v.killWeight ?? 1)];
      args.push('--name', 'variant', '--out', out, '--logs', path.join(dir, 'logs'), '--timeout-minutes', String(VARIANT_TIMEOUT_MINUTES));
      // A broken variant may leave work that never drains; its damage shows without the full wait.
      args.push('--drain-stall-seconds', '45');
      const run = await runVariant(dir, args, say);
      const file = path.join(out, 'variant.json');
      if (!existsSync(file) || (run.code !== 0 && run.code !== EXIT.failed)) {
        failures++;
        keep = true;
        say(`  FAILED: the run ended without a usable report (exit ${run.code ?? run.signal}); copy and logs kept in ${dir}`);
        rows.push(`| ${v.name} | ${v.expect.join(', ')} | | | | | | **no report (exit ${run.code ?? run.signal})** |`);
        continue;
      }
      const r = JSON.parse(readFileSync(file, 'utf8')) as RunResult;
      const seen = v.expect.filter((k) => r[k] > 0);
      const ok = v.expectAny ? seen.length > 0 : seen.length === v.expect.length;
      if (!ok) failures++;
      const secs = Math.round((Date.now() - started) / 1000);
      const counts = `lost ${r.lost}, duplicated ${r.duplicated}, diverged ${r.diverged}, stuck ${r.stuck}, photos lost ${r.photosLost} (${r.changes} changes, ${r.totalFaults} faults, ${secs} s; ${JSON.stringify(r.outcomes)})`;
      say(`  ${ok ? 'caught' : 'NOT CAUGHT'}: ${counts}`);
      rows.push(`| ${v.name} | ${v.expect.join(v.expectAny ? ' or ' : ', ')} | ${r.lost} | ${r.duplicated} | ${r.diverged} | ${r.stuck} | ${r.photosLost} | ${ok ? 'caught' : '**not caught**'} |`);
    } finally {
      if (!keep) rmSync(dir, { recursive: true, force: true });
    }
  }
  const md = [
    `# Chaos checks against broken variants`,
    '',
    `Seed ${seed}. Each variant is a temporary copy with one bug patched in (chaos/prove.ts); a short run (${changes} changes) must report the damage.`,
    '',
    '| variant | must show | lost | duplicated | diverged | stuck | photos lost | |',
    '|---|---|---:|---:|---:|---:|---:|---|',
    ...rows,
    '',
  ].join('\n');
  // A run of one variant (--variant) does not replace the committed table of all of them.
  const dir = o.out ?? path.join(root, 'chaos', 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, only ? `prove-${only}.md` : 'prove.md');
  writeFileSync(file, md);
  say(`prove: ${failures === 0 ? 'every variant caught' : `${failures} variant(s) not caught`}; ${file}`);
  return failures === 0 ? 0 : 1;
}
