// A change the server keeps failing on (500, or a 400 for the whole batch) must not stall the
// queue: it is found by splitting, parked as failed with the server's error, and the rest flows.
import { afterEach, describe, expect, it } from 'vitest';
import type { ChangeInput } from '@/protocol';
import { MAX_ISOLATIONS_PER_RUN } from './push';
import { ENTITY, type Harness, harness } from './testing/engine-harness';

let h: Harness;
afterEach(async () => h?.close());

async function started() {
  h = await harness();
  h.engine.start();
  await h.engine.whenLeader();
  await h.idle();
  return h;
}
const pushes = () => h.server.pushes().length;
const poisoned = (c: ChangeInput) => (c.data as { poison?: boolean } | undefined)?.poison === true;

async function queue(n: number, poisonAt: readonly number[]) {
  h.env.net.emit('offline');
  for (let i = 0; i < n; i++) await h.engine.create({ type: 'assessment', entityId: ENTITY, data: { i, ...(poisonAt.includes(i) ? { poison: true } : {}) } });
  h.server.failsOn = poisoned;
}

async function online() {
  h.env.net.emit('online');
  await h.idle();
}

const byI = async () => {
  const entries = await h.engine.listOutbox();
  return new Map(entries.map((e) => [(e.data as { i: number }).i, e]));
};

describe('a change the server fails on', () => {
  it('is found by splitting the batch, parked as failed with the error, and everything else is sent', async () => {
    await started();
    await queue(40, [17]);
    await online();
    const entries = await byI();
    for (const [i, e] of entries) {
      if (i === 17) expect(e).toMatchObject({ status: 'failed', alone: true, lastError: expect.stringContaining('the server fails on this change') });
      else expect(e.status).toBe('completed');
    }
    // Halving 40 down to one: a few requests, not one per change.
    expect(pushes()).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(40)) + 2);
    expect(h.engine.store.getState().state.kind).toBe('idle');
  });

  it('treats a 400 for the whole batch the same way', async () => {
    await started();
    await queue(10, [0]);
    h.server.failsOnStatus = 400;
    await online();
    const entries = await byI();
    expect(entries.get(0)).toMatchObject({ status: 'failed', alone: true });
    for (let i = 1; i < 10; i++) expect(entries.get(i)!.status).toBe('completed');
  });

  it('sends a parked change alone at the next trigger, not in a loop, and settles it once the server takes it', async () => {
    await started();
    await queue(5, [2]);
    await online();
    const after = pushes();
    await h.idle();
    expect(pushes()).toBe(after);
    // The next batch of other work does not carry it, and does not fail with it.
    await h.engine.create({ type: 'assessment', entityId: ENTITY, data: { i: 99 } });
    await h.idle();
    expect((await byI()).get(99)!.status).toBe('completed');
    const sentWithOthers = h.server.pushes().slice(after).filter((p) => p.changes.length > 1 && p.changes.some(poisoned));
    expect(sentWithOthers).toEqual([]);
    h.server.failsOn = null; // the server is fixed
    h.env.net.emit('visible');
    await h.idle();
    expect((await byI()).get(2)!.status).toBe('completed');
  });

  it('parks nothing when the failure does not come back', async () => {
    await started();
    await queue(8, []);
    h.server.faults.push({ kind: 'status', status: 500, code: 'INTERNAL' });
    await online();
    for (const e of (await byI()).values()) expect(e.status).toBe('completed');
  });

  it('holds back what depends on a parked create', async () => {
    await started();
    h.env.net.emit('offline');
    const parent = await h.engine.create({ type: 'assessment', entityId: ENTITY, data: { i: 0, poison: true } });
    await h.engine.create({ type: 'response', entityId: ENTITY, data: { i: 1, assessmentId: parent.id } });
    await h.engine.create({ type: 'assessment', entityId: ENTITY, data: { i: 2 } });
    h.server.failsOn = poisoned;
    await online();
    const entries = await byI();
    expect(entries.get(0)).toMatchObject({ status: 'failed', alone: true });
    expect(entries.get(1)!.status).toBe('pending');
    expect(entries.get(2)!.status).toBe('completed');
  });

  it('stops splitting when the server fails on everything, and backs off instead', async () => {
    await started();
    await queue(400, []);
    h.server.failsOn = () => true;
    await online();
    const entries = [...(await byI()).values()];
    // A few changes parked, the rest untouched and waiting, a bounded number of requests.
    expect(entries.filter((e) => e.status === 'failed' && e.alone).length).toBeLessThanOrEqual(MAX_ISOLATIONS_PER_RUN);
    expect(pushes()).toBeLessThanOrEqual(MAX_ISOLATIONS_PER_RUN * (2 * Math.ceil(Math.log2(100)) + 2) + 1);
    expect(h.engine.store.getState().state.kind).toBe('backing_off');
  });
});

describe('entries left syncing', () => {
  it('are put back and sent at the start of the next run', async () => {
    await started();
    h.env.net.emit('offline');
    await h.engine.create({ type: 'assessment', entityId: ENTITY, data: { i: 0 } });
    // A failure that left the entry claimed (a store of answers that failed part-way).
    const [e] = await h.engine.listOutbox();
    await h.engine.db.outbox.put({ ...e!, status: 'syncing', sentAt: 1, sent: true } as typeof e & { status: 'syncing'; sentAt: number });
    await online();
    expect((await h.engine.listOutbox())[0]!.status).toBe('completed');
  });
});
