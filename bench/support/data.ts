// The benchmark's data: the same records for every contender. A record is an assessment with
// a realistic payload (~0.5 KB of JSON); ids are UUID v7 as devices make them; stamps are HLCs
// a little in the past, so the server's 5-minute clamp never touches them.
import { v7 as uuidv7 } from 'uuid';
import { formatHlc } from '@/core/hlc';

export interface BenchRecord {
  readonly id: string;
  readonly changeId: string;
  readonly entityId: string;
  readonly hlc: string;
  readonly data: Record<string, unknown>;
}

const STATUSES = ['draft', 'submitted', 'reviewed'] as const;

export function payload(i: number, revision = 0): Record<string, unknown> {
  return {
    title: `Household assessment ${i}`,
    status: STATUSES[(i + revision) % STATUSES.length],
    revision,
    householdSize: 1 + (i % 9),
    location: { lat: 9.05 + (i % 1000) / 10_000, lng: 7.49 + (i % 777) / 10_000, accuracyM: 5 + (i % 20) },
    answers: {
      water: i % 3 === 0 ? 'borehole' : 'river',
      shelter: i % 4 === 0 ? 'tent' : 'house',
      food: i % 5,
      health: ['fever', 'cough', 'none'][i % 3],
      children: i % 6,
      disabled: i % 11 === 0,
      distanceToClinicKm: (i % 37) / 2,
    },
    notes: `Visited on round ${revision}. Family reports needs for shelter repair and clean water; follow-up scheduled.`,
    tags: ['bench', `batch-${Math.floor(i / 100)}`],
  };
}

/** A stamp `agoMs` before now, on `node`; `counter` orders stamps within the same millisecond. */
export function stamp(node: string, agoMs: number, counter = 0, now = Date.now()): string {
  return formatHlc({ ms: now - agoMs, counter: counter & 0xffff, node });
}

/** `n` new records of `entityId`, stamped by `node` about ten minutes ago, oldest first. */
export function makeRecords(n: number, entityId: string, node: string, offset = 0): BenchRecord[] {
  const now = Date.now();
  const out: BenchRecord[] = [];
  for (let i = 0; i < n; i++) {
    out.push({
      id: uuidv7(),
      changeId: uuidv7(),
      entityId,
      hlc: stamp(node, 10 * 60_000, i, now - n + i),
      data: payload(offset + i),
    });
  }
  return out;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
