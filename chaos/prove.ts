// `npm run chaos -- --prove`: the checks can fail. Each variant is a temporary copy of the app
// (src/ and what it needs, node_modules linked) with one deliberate bug patched in; a short
// chaos run against it must report the damage that bug does, or the check meant to see it is
// blind. The patches touch the copy only. A patch whose target text is gone fails loudly (the
// code moved: the variant must be brought up to date, not silently skipped).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunResult } from './scenario';

interface Patch {
  readonly file: string;
  readonly from: string;
  readonly to: string;
}

interface Variant {
  readonly name: string;
  readonly bug: string;
  /** The counts that must come out non-zero. */
  readonly expect: ReadonlyArray<'lost' | 'duplicated' | 'diverged' | 'stuck'>;
  readonly patches: readonly Patch[];
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
      { file: 'src/server/sync/push/write-batch.ts', from: ') as written`);', to: ') as written, pg_sleep(random() * 0.5)`);' },
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
];

const COPIED = ['src', 'chaos', 'drizzle', 'scripts', 'package.json', 'tsconfig.json', 'drizzle.config.ts'];

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

export async function prove(root: string, seed: number, say: (line: string) => void, only?: string): Promise<number> {
  let failures = 0;
  const rows: string[] = [];
  for (const v of VARIANTS.filter((x) => !only || x.name === only)) {
    const dir = makeCopy(root, v);
    const out = path.join(dir, 'out');
    let keep = false;
    say(`prove ${v.name}: ${v.bug}`);
    try {
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'chaos/run.ts', '--changes', '1500', '--faults', '60', '--seed', String(seed), '--name', 'variant', '--out', out, '--logs', path.join(dir, 'logs')], {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 600_000,
      });
      const file = path.join(out, 'variant.json');
      if (!existsSync(file)) {
        failures++;
        keep = true;
        say(`  FAILED: the run left no report (exit ${run.status}), copy kept in ${dir}:\n${String(run.stderr).slice(-2000)}`);
        continue;
      }
      const r = JSON.parse(readFileSync(file, 'utf8')) as RunResult;
      const seen = v.expect.filter((k) => r[k] > 0);
      const ok = seen.length === v.expect.length;
      if (!ok) failures++;
      const counts = `lost ${r.lost}, duplicated ${r.duplicated}, diverged ${r.diverged}, stuck ${r.stuck} (${r.changes} changes, ${r.totalFaults} faults; ${JSON.stringify(r.outcomes)})`;
      say(`  ${ok ? 'caught' : 'NOT CAUGHT'}: ${counts}`);
      rows.push(`| ${v.name} | ${v.expect.join(', ')} | ${r.lost} | ${r.duplicated} | ${r.diverged} | ${r.stuck} | ${ok ? 'caught' : '**not caught**'} |`);
    } finally {
      if (!keep) rmSync(dir, { recursive: true, force: true });
    }
  }
  const md = [
    `# Chaos checks against broken variants`,
    '',
    `Seed ${seed}. Each variant is a temporary copy with one bug patched in (chaos/prove.ts); a short run must report the damage.`,
    '',
    '| variant | must show | lost | duplicated | diverged | stuck | |',
    '|---|---|---:|---:|---:|---:|---|',
    ...rows,
    '',
  ].join('\n');
  // A run of one variant (--variant) does not replace the committed table of all of them.
  const file = path.join(root, 'chaos', 'results', only ? `prove-${only}.md` : 'prove.md');
  writeFileSync(file, md);
  say(`prove: ${failures === 0 ? 'every variant caught' : `${failures} variant(s) not caught`}; ${file}`);
  return failures === 0 ? 0 : 1;
}
