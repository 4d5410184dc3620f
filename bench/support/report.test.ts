import { describe, expect, it } from 'vitest';
import { goals, goalsTable, otherRatios, ratiosTable } from './report';
import type { CaseResult, ContenderId } from './runner';

function result(scenario: string, contender: ContenderId, median: number): CaseResult {
  const spread = { median, min: median, max: median };
  return {
    scenario,
    contender,
    changesPerRun: 10_000,
    runs: 5,
    rate: spread,
    wallMs: spread,
    requestsPer1k: null,
    bytesPer1k: null,
    serverCpuMsPer1k: null,
    dbCpuMsPer1k: null,
    clientCpuMsPer1k: 0,
    latencyMs: null,
    correct: true,
    problems: [],
    samples: [],
  };
}

const RESULTS = [
  result('push', 'pouchdb', 1_000),
  result('push', 'fieldsync-pg', 2_500),
  result('push', 'fieldsync-pglite', 1_600),
  result('push', 'raw-tx', 4_800),
  result('push-engine', 'fieldsync-pg', 3_200),
  result('push-engine', 'fieldsync-pglite', 1_900),
  // PouchDB's replicator again, in the same rounds as the engine: slower than in push, as in a slow spell.
  result('push-engine', 'pouchdb', 800),
  result('devices', 'pouchdb', 1_000),
  result('devices', 'fieldsync-pg', 2_900),
  result('pull', 'pouchdb', 1_000),
  result('pull', 'fieldsync-pg', 6_000),
];

describe('the goals', () => {
  it('compare the push as each side sends a queue: the engine against PouchDB’s replicator, in the same rounds', () => {
    const push = goals(RESULTS).find((g) => g.goal.startsWith('push ≥ 3×'))!;
    expect(push).toMatchObject({ contender: 'fieldsync-pg', ratio: 3_200 / 800, met: true });
  });

  it('hold the push path to half the raw transaction one request after another', () => {
    const raw = goals(RESULTS).find((g) => g.goal.startsWith('push path'))!;
    expect(raw.ratio).toBeCloseTo(2_500 / 4_800);
    expect(raw.met).toBe(true);
  });

  it('say "no" for a goal missed and "not measured" for one not run', () => {
    const gs = goals(RESULTS);
    expect(gs.find((g) => g.goal.startsWith('50 devices'))).toMatchObject({ ratio: 2.9, met: false });
    expect(gs.find((g) => g.goal.startsWith('selective'))).toMatchObject({ ratio: null, met: null });
    const table = goalsTable(gs);
    expect(table).toContain('| 50 devices ≥ 3× PouchDB | Fieldsync (PostgreSQL) | 2.90× | **no** |');
    expect(table).toContain('| selective pull ≥ 5× PouchDB | Fieldsync (PostgreSQL) | not measured | – |');
  });

  it('are all on PostgreSQL; the sequential push and PGlite are shown beside them', () => {
    expect(new Set(goals(RESULTS).map((g) => g.contender))).toEqual(new Set(['fieldsync-pg']));
    const others = otherRatios(RESULTS);
    expect(others.find((r) => r.measure.startsWith('push one request') && r.contender === 'fieldsync-pg')?.ratio).toBe(2.5);
    expect(others.find((r) => r.measure.startsWith('push as the engine') && r.contender === 'fieldsync-pglite')?.ratio).toBe(1_900 / 800);
    const table = ratiosTable(others);
    expect(table).toContain('| push one request after another ÷ PouchDB | Fieldsync (PGlite) | 1.60× |');
    expect(table).not.toContain('mobile link'); // not run: left out
  });
});
