// The changes `npm run bench:server` pushes: 10,000 assessments created, then all updated,
// then all updated again with 20% of the updates on a stale base (half of those with a later
// stamp, so they win; half earlier, so they lose). Stamps are a little in the past and rise
// with every round, so the server's 5-minute clamp never touches them.
import { v7 as uuidv7 } from 'uuid';
import type { ChangeInput } from '@/protocol/push';
import { formatHlc } from '@/core/hlc';
import { payload } from './data';

export interface WorkloadRecord {
  readonly id: string;
  readonly entityId: string;
  readonly i: number;
}

export type CaseName = 'creates' | 'updates' | 'conflicts20';

export const CASES: ReadonlyArray<{ name: CaseName; label: string }> = [
  { name: 'creates', label: 'all creates' },
  { name: 'updates', label: 'all updates' },
  { name: 'conflicts20', label: '20% conflicts' },
];

export function workloadRecords(n: number, entityId: string): WorkloadRecord[] {
  return Array.from({ length: n }, (_, i) => ({ id: uuidv7(), entityId, i }));
}

/** The changes of one case, in push order. `t0` is the bench's start; each round stamps later. */
export function caseChanges(name: CaseName, records: readonly WorkloadRecord[], node: string, t0: number): ChangeInput[] {
  const round = name === 'creates' ? 0 : name === 'updates' ? 1 : 2;
  const base = t0 - 4 * 60_000 + round * 60_000;
  return records.map((r) => {
    const hlc = formatHlc({ ms: base + Math.floor(r.i / 1000), counter: r.i % 1000, node });
    if (round === 0)
      return { changeId: uuidv7(), type: 'assessment', action: 'create', recordId: r.id, entityId: r.entityId, baseVersion: 0, hlc, data: payload(r.i, 0) };
    const stale = round === 2 && r.i % 5 === 0;
    // A stale change that loses is stamped before the round-1 write it conflicts with.
    const losing = stale && r.i % 10 === 0;
    return {
      changeId: uuidv7(),
      type: 'assessment',
      action: 'update',
      recordId: r.id,
      entityId: r.entityId,
      baseVersion: stale ? round - 1 : round,
      hlc: losing ? formatHlc({ ms: t0 - 10 * 60_000, counter: r.i % 1000, node }) : hlc,
      data: payload(r.i, round),
    };
  });
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
