// Runs a scenario's cases: setup, one warm-up run each (not counted), then `runs` measured
// runs, each round taking every contender once in a rotated order so that a slow spell of the
// machine does not fall on one contender only. A case that throws is reported, not retried.
import { type Execution, type Meters, type Sample, measure } from './measure';
import { percentiles, spread, type Spread } from './stats';

export type ContenderId = 'fieldsync-pg' | 'fieldsync-pg-instances' | 'fieldsync-pglite' | 'pouchdb' | 'raw-tx' | 'raw-pool10' | 'raw-copy';

export const CONTENDER_LABELS: Record<ContenderId, string> = {
  'fieldsync-pg': 'Fieldsync (PostgreSQL)',
  'fieldsync-pg-instances': 'Fieldsync (PostgreSQL), 2 instances behind a round-robin proxy',
  'fieldsync-pglite': 'Fieldsync (PGlite)',
  pouchdb: 'PouchDB → express-pouchdb',
  'raw-tx': 'raw PG, 1 tx/100 rows',
  'raw-pool10': 'raw PG, pool of 10',
  'raw-copy': 'raw PG, COPY',
};

export interface Case<P> {
  readonly contender: ContenderId;
  readonly changes: number;
  /** Changes in a given run when not `changes` (a lighter warm-up). */
  changesFor?(run: number): number;
  meters(): Meters;
  setup?(): Promise<void>;
  /** After the last run (or a failure): closes what setup opened. */
  teardown?(): Promise<void>;
  /** Untimed per-run preparation (run 0 is the warm-up). */
  prepare(run: number): Promise<P>;
  execute(prepared: P): Promise<Execution | void>;
  /** Correctness problems found after the run; empty when the server state is right. */
  verify(prepared: P, run: number): Promise<string[]>;
}

export type AnyCase = Case<unknown>;
export const defineCase = <P>(c: Case<P>): AnyCase => c as unknown as AnyCase;

export interface CaseResult {
  readonly scenario: string;
  readonly contender: ContenderId;
  readonly changesPerRun: number;
  readonly runs: number;
  /** Changes per second. */
  readonly rate: Spread;
  readonly wallMs: Spread;
  readonly requestsPer1k: number | null;
  readonly bytesPer1k: number | null;
  readonly serverCpuMsPer1k: number | null;
  readonly dbCpuMsPer1k: number | null;
  readonly clientCpuMsPer1k: number;
  readonly latencyMs: { p50: number; p95: number; p99: number } | null;
  readonly correct: boolean;
  readonly problems: string[];
  readonly error?: string;
  readonly samples: Array<Omit<Sample, 'latenciesMs'>>;
}

export interface ScenarioOptions {
  readonly runs: number;
  readonly log: (line: string) => void;
}

export async function runScenario(scenario: string, cases: readonly AnyCase[], o: ScenarioOptions): Promise<CaseResult[]> {
  const state = cases.map((c) => ({ c, samples: [] as Sample[], problems: [] as string[], error: undefined as string | undefined }));
  for (const s of state) {
    try {
      await s.c.setup?.();
    } catch (e) {
      s.error = describe(e);
      o.log(`  ${s.c.contender}: setup failed: ${s.error}`);
    }
  }
  for (let run = 0; run <= o.runs; run++) {
    const order = state.map((_, i) => state[(i + run) % state.length]!);
    for (const s of order) {
      if (s.error) continue;
      try {
        const prepared = await s.c.prepare(run);
        const sample = await measure(s.c.meters(), s.c.changesFor?.(run) ?? s.c.changes, () => s.c.execute(prepared));
        const problems = await s.c.verify(prepared, run);
        for (const p of problems) s.problems.push(`run ${run}: ${p}`);
        if (run > 0) s.samples.push(sample);
        o.log(`  ${run === 0 ? 'warm-up' : `run ${run}`} ${s.c.contender.padEnd(16)} ${fmtRate(sample)}${problems.length ? `  PROBLEMS: ${problems.join('; ')}` : ''}`);
      } catch (e) {
        s.error = describe(e);
        o.log(`  ${s.c.contender}: failed: ${s.error}`);
      }
    }
  }
  for (const s of state) {
    try {
      await s.c.teardown?.();
    } catch (e) {
      o.log(`  ${s.c.contender}: teardown failed: ${describe(e)}`);
    }
  }
  return state.map((s) => summarize(scenario, s.c, s.samples, s.problems, s.error));
}

function summarize(scenario: string, c: AnyCase, samples: Sample[], problems: string[], error: string | undefined): CaseResult {
  const per1k = (pick: (s: Sample) => number | null): number | null => {
    const vals = samples
      .map((s) => {
        const v = pick(s);
        return v === null ? null : (v * 1000) / s.changes;
      })
      .filter((v): v is number => v !== null);
    return vals.length ? spread(vals).median : null;
  };
  const latencies = samples.flatMap((s) => s.latenciesMs);
  return {
    scenario,
    contender: c.contender,
    changesPerRun: c.changes,
    runs: samples.length,
    rate: spread(samples.map((s) => (s.changes * 1000) / s.ms)),
    wallMs: spread(samples.map((s) => s.ms)),
    requestsPer1k: per1k((s) => s.requests),
    bytesPer1k: per1k((s) => s.bytes),
    serverCpuMsPer1k: per1k((s) => s.serverCpuMs),
    dbCpuMsPer1k: per1k((s) => s.dbCpuMs),
    clientCpuMsPer1k: per1k((s) => s.clientCpuMs)!,
    latencyMs: latencies.length ? percentiles(latencies) : null,
    correct: !error && problems.length === 0 && samples.length > 0,
    problems,
    ...(error ? { error } : {}),
    samples: samples.map(({ latenciesMs: _l, ...rest }) => rest),
  };
}

function fmtRate(s: Sample): string {
  const rate = Math.round((s.changes * 1000) / s.ms);
  const cpu = s.serverCpuMs === null ? '' : ` server cpu ${Math.round(s.serverCpuMs)} ms`;
  const db = s.dbCpuMs === null ? '' : ` db cpu ${Math.round(s.dbCpuMs)} ms`;
  const req = s.requests === null ? '' : ` ${s.requests} req ${(s.bytes! / 1e6).toFixed(2)} MB`;
  return `${String(rate).padStart(7)} changes/s  ${Math.round(s.ms)} ms${req}${cpu}${db}`;
}

export function describe(e: unknown): string {
  return e instanceof Error ? e.message.split('\n').slice(0, 6).join(' | ') : String(e);
}
