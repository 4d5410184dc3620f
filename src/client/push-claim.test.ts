// Claiming a push batch does work bounded by the batch, not by the queue: it reads the outbox
// in order a page at a time and stops once the batch is full. Counted as outbox rows read
// (through a Dexie middleware) and changes sized, never as wall time.
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { selectBatch } from '@/core/batching';
import type * as Protocol from '@/protocol';
import type { SyncState, SyncStatus } from '@/core/outbox-state';
import type { FieldsyncDb, OutboxEntry } from './db';
import { SCAN_PAGE, scanUnsettled } from './outbox-scan';
import { claimBatch, claimPage } from './push';
import { fakeDb } from './testing/fake-env';

const sized = vi.hoisted(() => ({ count: 0 }));
vi.mock('@/protocol', async (importOriginal) => {
  const actual = await importOriginal<typeof Protocol>();
  return {
    ...actual,
    jsonBytes: (value: unknown) => {
      sized.count += 1;
      return actual.jsonBytes(value);
    },
  };
});

const ENTITY = '0190a000-0000-7000-8000-000000000001';
const LIMITS = { maxChanges: 100, maxBytes: 1024 * 1024 };
let db: FieldsyncDb | undefined;
let names = 0;
afterEach(() => db?.close());

/** A database whose outbox reads are counted: the distinct entries any read returned. */
function countingDb(): { db: FieldsyncDb; read: Set<number> } {
  const read = new Set<number>();
  const d = fakeDb(`claim-${names++}`);
  d.use({
    stack: 'dbcore',
    name: 'count-outbox-reads',
    create: (down) => ({
      ...down,
      table: (name) => {
        const t = down.table(name);
        if (name !== 'outbox') return t;
        const note = (v: unknown) => v && typeof v === 'object' && 'seq' in v && read.add((v as OutboxEntry).seq);
        return {
          ...t,
          get: async (req) => {
            const v: unknown = await t.get(req);
            note(v);
            return v;
          },
          getMany: async (req) => {
            const vs: unknown[] = await t.getMany(req);
            vs.forEach(note);
            return vs;
          },
          query: async (req) => {
            const res = await t.query(req);
            (res.result as unknown[]).forEach(note);
            return res;
          },
          openCursor: async (req) => {
            const cursor = await t.openCursor(req);
            if (!cursor) return cursor;
            return Object.create(cursor, {
              value: {
                get: () => {
                  const v: unknown = cursor.value;
                  note(v);
                  return v;
                },
              },
            }) as typeof cursor;
          },
        };
      },
    }),
  });
  return { db: d, read };
}

function state(status: SyncStatus): SyncState {
  const common = { attempts: status === 'pending' ? 0 : 1, lastError: null };
  switch (status) {
    case 'pending': return { ...common, status };
    case 'syncing': return { ...common, status, sentAt: 1 };
    case 'completed': return { ...common, status, version: 1, settledAt: 1 };
    case 'conflict': return { ...common, status, winner: 'server', version: 1, settledAt: 1 };
    case 'failed': return { ...common, status, nextAttemptAt: null };
    case 'rejected': return { ...common, status, code: 'VALIDATION' };
  }
}

type Spec = { record: string; action: OutboxEntry['action']; status: SyncStatus; parent?: string | null };

function entry(i: number, s: Spec): Omit<OutboxEntry, 'seq'> {
  return {
    ...state(s.status),
    changeId: `0190a000-0000-7000-8000-${String(i).padStart(12, '0')}`, recordId: s.record, type: 'assessment',
    entityId: ENTITY, action: s.action, baseVersion: s.action === 'create' ? 0 : 1, hlc: '2026-11-26T08:00:00.000Z-0000-dev',
    data: s.action === 'delete' ? null : { title: `entry ${i}` }, parentId: s.parent ?? null, sent: s.status !== 'pending',
    createdAt: 1, updatedAt: 1,
  } as Omit<OutboxEntry, 'seq'>;
}

async function fill(d: FieldsyncDb, specs: readonly Spec[]): Promise<void> {
  await d.outbox.bulkAdd(specs.map((s, i) => entry(i, s)) as OutboxEntry[]);
}

async function claim(d: FieldsyncDb, limits = LIMITS) {
  return claimBatch({ db: d, now: () => 1000, limits });
}

describe('claiming a push batch', () => {
  it('reads about a batch of a 5,000-entry queue and sizes only the changes it sends', async () => {
    const c = countingDb();
    db = c.db;
    // a settled history in front, then the queue
    await fill(db, [
      ...Array.from({ length: 1_000 }, (_, i): Spec => ({ record: `done${i}`, action: 'create', status: 'completed' })),
      ...Array.from({ length: 5_000 }, (_, i): Spec => ({ record: `r${i}`, action: 'create', status: 'pending' })),
    ]);
    c.read.clear();
    sized.count = 0;
    const batch = await claim(db);
    expect(batch.map((e) => e.recordId)).toEqual(Array.from({ length: 100 }, (_, i) => `r${i}`));
    expect(batch.every((e) => e.status === 'syncing' && e.sent)).toBe(true);
    expect(claimPage(LIMITS)).toBeLessThan(SCAN_PAGE);
    expect(c.read.size).toBeLessThanOrEqual(claimPage(LIMITS));
    expect(sized.count).toBe(100);

    // the next claim starts after the entries now syncing, still without reading the queue
    c.read.clear();
    sized.count = 0;
    const next = await claim(db);
    expect(next[0]!.recordId).toBe('r100');
    expect(c.read.size).toBeLessThanOrEqual(100 + claimPage(LIMITS));
    expect(sized.count).toBe(100);
  });

  it('still finds sendable work behind a long run of held-back entries (nothing stalls)', async () => {
    db = fakeDb(`claim-${names++}`);
    await fill(db, [
      { record: 'A', action: 'create', status: 'rejected' },
      ...Array.from({ length: 1_500 }, (_, i): Spec => ({ record: `child${i}`, action: 'create', status: 'pending', parent: 'A' })),
      { record: 'B', action: 'create', status: 'pending' },
    ]);
    expect((await claim(db)).map((e) => e.recordId)).toEqual(['B']);
    expect(await claim(db)).toEqual([]);
  });

  it('merges the per-status runs into outbox order across page boundaries', async () => {
    const statuses: SyncStatus[] = ['pending', 'syncing', 'completed', 'conflict', 'failed', 'rejected'];
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...statuses), { maxLength: 40 }), fc.integer({ min: 1, max: 5 }), async (list, page) => {
        const d = fakeDb(`scan-${names++}`);
        try {
          await fill(d, list.map((status, i) => ({ record: `r${i}`, action: 'update', status })));
          const seen: Array<{ seq: number; status: SyncStatus }> = [];
          await scanUnsettled(d, (e) => seen.push({ seq: e.seq, status: e.status }) > 0, page);
          const expected = (await d.outbox.orderBy('seq').toArray())
            .filter((e) => e.status !== 'completed' && e.status !== 'conflict')
            .map((e) => ({ seq: e.seq, status: e.status }));
          expect(seen).toEqual(expected);
        } finally {
          d.close();
        }
      }),
      { numRuns: 60 },
    );
  });

  it('chooses exactly what the rules choose over the whole outbox', async () => {
    const spec = fc.record({
      record: fc.constantFrom('A', 'B', 'C', 'D', 'E'),
      action: fc.constantFrom<OutboxEntry['action']>('create', 'update', 'delete'),
      status: fc.constantFrom<SyncStatus>('pending', 'pending', 'syncing', 'completed', 'failed', 'rejected'),
      parent: fc.constantFrom(null, 'A', 'B'),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(spec, { maxLength: 30 }), fc.integer({ min: 1, max: 4 }), async (specs, maxChanges) => {
        const d = fakeDb(`rules-${names++}`);
        try {
          await fill(d, specs);
          const all = await d.outbox.orderBy('seq').toArray();
          const unsettled = all.filter((e) => e.status !== 'completed' && e.status !== 'conflict');
          const limits = { maxChanges, maxBytes: 1024 * 1024 };
          const expected = selectBatch(unsettled.map((e) => ({ ...e, bytes: 1 })), limits).map((e) => e.seq);
          expect((await claim(d, limits)).map((e) => e.seq)).toEqual(expected);
        } finally {
          d.close();
        }
      }),
      { numRuns: 60 },
    );
  });
});
