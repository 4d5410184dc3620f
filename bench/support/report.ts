// The results: JSON (everything, per run), Markdown (the tables, the goals, what is counted)
// and the chart, written side by side; and the README's "Benchmarks" table between markers.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { PhotoResults } from '../scenarios/photos';
import { chartSvg } from './chart';
import { CONTENDER_LABELS, type CaseResult, type ContenderId } from './runner';

export interface Goal {
  readonly goal: string;
  readonly contender: ContenderId;
  readonly ratio: number | null;
  readonly target: number;
  readonly met: boolean | null;
}

export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface Report {
  readonly meta: Record<string, unknown>;
  readonly scenarios: Record<string, string>;
  readonly results: CaseResult[];
  readonly goals: Goal[];
  readonly otherRatios: Ratio[];
  readonly checks: Check[];
  readonly notes: string[];
  /** The photo scenario, when it ran: its own figures (shares of the uplink, bytes), not changes per second. */
  readonly photos?: PhotoResults;
}

const fmt = (v: number | null | undefined, digits = 0): string =>
  v === null || v === undefined || Number.isNaN(v) ? '–' : v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function rateOf(results: readonly CaseResult[], scenario: string, contender: ContenderId): number | null {
  const r = results.find((x) => x.scenario === scenario && x.contender === contender);
  return r && r.runs > 0 ? r.rate.median : null;
}

/** Above the goals wherever they are shown: what they hold for and how the push is measured. */
const GOALS_NOTE =
  'The goals hold for Fieldsync on PostgreSQL, its production database. A push is measured as each side\'s client sends a queue after reconnect: the app\'s engine with two independent batches in flight (each of the 50 devices too), PouchDB\'s replicator as it replicates. The second table shows, not as goals, the push sent one request after another, the pushes over a mobile link, and the embedded PGlite server.';

/**
 * The issue's goals, on the production server (PostgreSQL). "Push 10,000 queued changes after
 * reconnect" is measured as each side's client sends a queue: the app's engine with its
 * independent batches in flight, PouchDB's replicator as it replicates, both in push-engine
 * (the 50 devices send so too). The half-raw goal is about the server's push path, so it
 * compares one request after another with one transaction after another.
 */
export function goals(results: readonly CaseResult[]): Goal[] {
  const out: Goal[] = [];
  const add = (goal: string, scenario: string, versus: ContenderId, target: number, versusScenario = scenario) => {
    const ratio = ratioOf(results, scenario, 'fieldsync-pg', versusScenario, versus);
    out.push({ goal, contender: 'fieldsync-pg', ratio, target, met: ratio === null ? null : ratio >= target });
  };
  add('push ≥ 3× PouchDB, each as its client sends a queue', 'push-engine', 'pouchdb', 3);
  add('50 devices ≥ 3× PouchDB', 'devices', 'pouchdb', 3);
  add('pull ≥ 5× PouchDB', 'pull', 'pouchdb', 5);
  add('selective pull ≥ 5× PouchDB', 'pull-selective', 'pouchdb', 5);
  add('push path ≥ 0.4× raw PG 1 tx/100 rows, one after another', 'push', 'raw-tx', 0.4);
  return out;
}

export interface Ratio {
  readonly measure: string;
  readonly contender: ContenderId;
  readonly ratio: number | null;
}

/**
 * Ratios shown beside the goals, not as goals: the push sent one request after another (a
 * device whose queue is one chain of dependent changes; the floor of the protocol on a fast
 * link), and the embedded PGlite server, which is for a first run without set-up.
 */
export function otherRatios(results: readonly CaseResult[]): Ratio[] {
  const out: Ratio[] = [];
  const add = (measure: string, contender: ContenderId, scenario: string, versus: ContenderId, versusScenario = scenario) =>
    out.push({ measure, contender, ratio: ratioOf(results, scenario, contender, versusScenario, versus) });
  for (const c of ['fieldsync-pg', 'fieldsync-pglite'] as const) add('push one request after another ÷ PouchDB', c, 'push', 'pouchdb');
  add('push as the engine sends ÷ PouchDB', 'fieldsync-pglite', 'push-engine', 'pouchdb');
  add('50 devices ÷ PouchDB', 'fieldsync-pglite', 'devices', 'pouchdb');
  add('pull ÷ PouchDB', 'fieldsync-pglite', 'pull', 'pouchdb');
  add('selective pull ÷ PouchDB', 'fieldsync-pglite', 'pull-selective', 'pouchdb');
  for (const c of ['fieldsync-pg', 'fieldsync-pglite'] as const) add('push over the mobile link, one after another ÷ PouchDB', c, 'push-link', 'pouchdb');
  for (const c of ['fieldsync-pg', 'fieldsync-pglite'] as const) add('push over the mobile link as the engine sends ÷ PouchDB', c, 'push-link-engine', 'pouchdb', 'push-link');
  return out;
}

function ratioOf(results: readonly CaseResult[], scenario: string, contender: ContenderId, versusScenario: string, versus: ContenderId): number | null {
  const a = rateOf(results, scenario, contender);
  const b = rateOf(results, versusScenario, versus);
  return a !== null && b !== null ? a / b : null;
}

/** Scenarios where only Fieldsync runs, compared with PouchDB's run of another (each sending its own way). */
const POUCH_REFERENCE: Record<string, string> = { 'push-link-engine': 'push-link' };

export function scenarioTable(results: readonly CaseResult[], scenario: string): string {
  const rows = results.filter((r) => r.scenario === scenario);
  const pouch = rateOf(results, scenario, 'pouchdb') ?? rateOf(results, POUCH_REFERENCE[scenario] ?? scenario, 'pouchdb');
  const withLatency = rows.some((r) => r.latencyMs) && scenario === 'devices';
  const head = ['contender', 'changes/s median (min–max)', '× PouchDB', 'HTTP req /1k', 'KB /1k', 'server CPU ms /1k', 'PG backends CPU ms /1k', 'client CPU ms /1k'];
  if (withLatency) head.push('latency p50 / p95 / p99 ms', 'last device done, ms (median)');
  head.push('correct');
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of rows) {
    const cells = [
      CONTENDER_LABELS[r.contender],
      r.runs > 0 ? `**${fmt(r.rate.median)}** (${fmt(r.rate.min)}–${fmt(r.rate.max)})` : 'not run',
      pouch && r.runs > 0 && r.contender !== 'pouchdb' ? `${fmt(r.rate.median / pouch, 1)}×` : '',
      fmt(r.requestsPer1k, 1),
      r.bytesPer1k === null ? '–' : fmt(r.bytesPer1k / 1024, 0),
      fmt(r.serverCpuMsPer1k),
      fmt(r.dbCpuMsPer1k),
      fmt(r.clientCpuMsPer1k),
    ];
    if (withLatency) cells.push(r.latencyMs ? `${fmt(r.latencyMs.p50)} / ${fmt(r.latencyMs.p95)} / ${fmt(r.latencyMs.p99)}` : '–', fmt(r.wallMs.median));
    cells.push(r.error ? `✗ ${r.error.replace(/\|/g, '/')}` : r.correct ? '✓' : `✗ ${r.problems.slice(0, 2).join('; ')}`);
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

export function goalsTable(gs: readonly Goal[]): string {
  const lines = ['| goal | contender | measured | met |', '|---|---|---|---|'];
  for (const g of gs) lines.push(`| ${g.goal} | ${CONTENDER_LABELS[g.contender]} | ${g.ratio === null ? 'not measured' : `${fmt(g.ratio, 2)}×`} | ${g.met === null ? '–' : g.met ? 'yes' : '**no**'} |`);
  return lines.join('\n');
}

export function ratiosTable(rs: readonly Ratio[]): string {
  const lines = ['| not a goal | contender | measured |', '|---|---|---|'];
  for (const r of rs) if (r.ratio !== null) lines.push(`| ${r.measure} | ${CONTENDER_LABELS[r.contender]} | ${fmt(r.ratio, 2)}× |`);
  return lines.join('\n');
}

export function markdown(r: Report): string {
  const m = r.meta;
  const parts = [
    '# Fieldsync benchmark results',
    '',
    `Command: \`${String(m.command)}\` · ${String(m.date)} · ${String(m.durationSeconds)} s · commit ${String(m.commit)}`,
    '',
    `Machine: ${String(m.cpu)}, ${String(m.cores)} cores, Node ${String(m.node)}, ${String(m.postgres)}. Runs per case: ${String(m.runs)} after a warm-up (browser case: ${String(m.browserRuns)}); sizes: ${JSON.stringify(m.sizes)}.`,
    '',
    '![changes per second](chart.svg)',
    '',
    '## Goals',
    '',
    GOALS_NOTE,
    '',
    goalsTable(r.goals),
    '',
    ratiosTable(r.otherRatios),
    '',
  ];
  for (const [id, title] of Object.entries(r.scenarios)) {
    if (!r.results.some((x) => x.scenario === id)) continue;
    parts.push(`## ${title}`, '', scenarioTable(r.results, id), '');
  }
  if (r.photos) parts.push(...photosSection(r.photos));
  if (r.checks.length) {
    parts.push('## Server totals after the whole run', '', '| check | ok | detail |', '|---|---|---|');
    for (const c of r.checks) parts.push(`| ${c.name} | ${c.ok ? '✓' : '✗'} | ${c.detail} |`);
    parts.push('');
  }
  parts.push('## What is measured', '', ...r.notes.map((n) => `- ${n}`), '');
  return parts.join('\n');
}

export function writeReport(dir: string, r: Report): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'results.json'), `${JSON.stringify(r, null, 2)}\n`);
  writeFileSync(path.join(dir, 'results.md'), markdown(r));
  writeFileSync(path.join(dir, 'chart.svg'), chartSvg(r.results, r.scenarios));
}

/** The photo scenario: one row per run and side, then its goals. */
export function photosSection(p: PhotoResults): string[] {
  const kib = (n: number | null) => (n === null ? '–' : fmt(n / 1024));
  const sec = (ms: number | null) => (ms === null ? '–' : fmt(ms / 1000, 1));
  const lines = [
    `## ${p.title}`,
    '',
    '| how | run | upload goodput, share of the uplink | seconds | bytes re-sent after the drop, KiB | drop at, KiB into the photo | last record lands, s | first photo lands, s | up / down KiB on the link | correct |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of p.runs) {
    lines.push(
      `| ${p.labels[r.contender]} | ${r.run} | **${fmt(r.goodput * 100, 1)}%** | ${sec(r.elapsedMs)} | ${kib(r.resentBytes)} | ${kib(r.dropAtBytes)} | ${sec(r.lastRecordMs)} | ${sec(r.firstPhotoMs)} | ${kib(r.link.up)} / ${kib(r.link.down)} | ${r.problems.length ? `✗ ${r.problems.slice(0, 2).join('; ').replace(/\|/g, '/')}` : '✓'} |`,
    );
  }
  for (const e of p.errors) lines.push(`| ${p.labels[e.contender]} | – | not run | | | | | | | ✗ ${e.error.replace(/\|/g, '/')} |`);
  lines.push('', '| goal (Fieldsync) | measured | met |', '|---|---|---|');
  for (const g of p.goals) lines.push(`| ${g.goal} | ${g.measured} | ${g.met === null ? '–' : g.met ? 'yes' : '**no**'} |`);
  lines.push('');
  return lines;
}

const START = '<!-- bench:start (written by `npm run bench`) -->';
const END = '<!-- bench:end -->';

/** Replaces the README's benchmark block (between the markers) with the latest tables. */
export function updateReadme(readmePath: string, r: Report): boolean {
  if (!existsSync(readmePath)) return false;
  const text = readFileSync(readmePath, 'utf8');
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) return false;
  const body = [
    START,
    '',
    `Latest full run: ${String(r.meta.date)}, ${String(r.meta.cpu)} (${String(r.meta.cores)} cores), commit ${String(r.meta.commit)}. Median changes per second of ${String(r.meta.runs)} runs after a warm-up; details, CPU and bytes in [bench/results/results.md](bench/results/results.md).`,
    '',
    summaryTable(r),
    '',
    GOALS_NOTE,
    '',
    goalsTable(r.goals),
    '',
    ratiosTable(r.otherRatios),
    '',
    '![changes per second](bench/results/chart.svg)',
    '',
    END,
  ].join('\n');
  writeFileSync(readmePath, text.slice(0, a) + body + text.slice(b + END.length));
  return true;
}

function summaryTable(r: Report): string {
  const contenders = (Object.keys(CONTENDER_LABELS) as ContenderId[]).filter((c) => r.results.some((x) => x.contender === c));
  const lines = [`| scenario | ${contenders.map((c) => CONTENDER_LABELS[c]).join(' | ')} |`, `|---|${contenders.map(() => '---').join('|')}|`];
  for (const [id, title] of Object.entries(r.scenarios)) {
    if (!r.results.some((x) => x.scenario === id)) continue;
    const cells = contenders.map((c) => {
      const x = r.results.find((y) => y.scenario === id && y.contender === c);
      if (!x) return '';
      if (x.runs === 0) return 'failed';
      return `${fmt(x.rate.median)}${x.correct ? '' : ' ✗'}`;
    });
    lines.push(`| ${title} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}
