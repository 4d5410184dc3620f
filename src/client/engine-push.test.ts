import { afterEach, describe, expect, it } from 'vitest';
import { ENTITY, type Harness, OTHER_ENTITY, harness } from './testing/engine-harness';

let h: Harness;
afterEach(async () => h?.close());

async function started(opts: Parameters<typeof harness>[0] = {}) {
  h = await harness(opts);
  h.engine.start();
  await h.engine.whenLeader();
  await h.idle();
  return h;
}

describe('engine push', () => {
  it('sends a local write by itself while online and stores the new version', async () => {
    await started();
    const rec = await h.engine.create({ type: 'assessment', entityId: ENTITY, data: { title: 'well' } });
    await h.idle();
    const [entry] = await h.engine.listOutbox();
    expect(entry).toMatchObject({ status: 'completed', version: 1, attempts: 1 });
    expect(await h.engine.getRecord(rec.id)).toMatchObject({ version: 1, server: { version: 1, data: { title: 'well' } } });
    expect(h.server.records.get(rec.id)).toMatchObject({ version: 1, data: { title: 'well' } });
    expect(h.engine.store.getState()).toMatchObject({ state: { kind: 'idle' }, counts: { completed: 1, pending: 0 } });
    expect(h.engine.store.getState().lastSyncedAt).toBe(h.env.time.now());
  });

  it('stores a confirmed record\'s data once: the server copy is the same value, not a second copy', async () => {
    await started();
    const rec = await h.engine.create({ type: 'assessment', entityId: ENTITY, data: { title: 'well' } });
    await h.idle();
    const stored = await h.engine.getRecord(rec.id);
    expect(stored?.server?.data).toEqual({ title: 'well' });
    expect(stored?.server?.data).toBe(stored?.data);
  });

  it('sends offline edits as one coalesced change when the connection comes back', async () => {
    await started();
    h.env.net.emit('offline');
    const rec = await h.engine.create({ type: 'assessment', entityId: ENTITY, data: { v: 1 } });
    await h.engine.update(rec.id, { v: 2 });
    await h.idle();
    expect(h.server.pushes()).toHaveLength(0);
    expect(h.engine.store.getState().state).toEqual({ kind: 'offline' });
    h.env.net.emit('online');
    await h.idle();
    expect(h.server.pushes().flatMap((p) => p.changes)).toMatchObject([{ action: 'create', data: { v: 2 } }]);
  });

  it('sends batches of at most 100 changes, parents before their responses', async () => {
    await started();
    h.env.net.emit('offline');
    const a = await h.engine.create({ type: 'assessment', entityId: ENTITY, data: {} });
    for (let i = 0; i < 149; i++) await h.engine.create({ type: 'response', entityId: ENTITY, data: { assessmentId: a.id, i } });
    h.env.net.emit('online');
    await h.idle();
    const pushes = h.server.pushes();
    expect(pushes.map((p) => p.changes.length)).toEqual([100, 50]);
    expect(pushes[0]!.changes[0]!.recordId).toBe(a.id);
    expect(h.engine.store.getState().counts.completed).toBe(150);
  });

  it('re-sends with the same change id after a lost response, and the server applies it once', async () => {
    await started();
    h.server.faults.push({ kind: 'drop-response' });
    const rec = await h.engine.create({ type: 'assessment', entityId: ENTITY, data: { v: 1 } });
    await h.idle();
    const [entry] = await h.engine.listOutbox();
    expect(entry).toMatchObject({ status: 'failed', attempts: 1 });
    h.env.time.advance(10_000);
    await h.idle();
    const ids = h.server.pushes().map((p) => p.changes[0]!.changeId);
    expect(ids).toHaveLength(2);
    expect(ids[1]).toBe(ids[0]);
    expect(h.server.records.get(rec.id)!.version).toBe(1);
    expect((await h.engine.listOutbox())[0]).toMatchObject({ status: 'completed', attempts: 2 });
  });

  it('rebases an edit made while its create was in flight, so it does not conflict with itself', async () => {
    await started();
    h.server.faults.push({ kind: 'drop-response' });
    const rec = await h.engine.create({ type: 'assessment', entityId: ENTITY, data: { v: 1 } });
    await h.idle();
    await h.engine.update(rec.id, { v: 2 });
    h.env.time.advance(10_000);
    await h.idle();
    expect(h.server.conflicts).toEqual([]);
    expect(h.server.records.get(rec.id)).toMatchObject({ version: 2, data: { v: 2 } });
    expect(await h.engine.getRecord(rec.id)).toMatchObject({ version: 2, data: { v: 2 } });
  });

  it('adopts the server record when the server wins a conflict', async () => {
    await started();
    const rec = await h.engine.create({ type: 'assessment', entityId: ENTITY, data: { v: 'mine' } });
    await h.idle();
    h.env.net.emit('offline');
    await h.engine.update(rec.id, { v: 'mine-2' });
    // someone else writes later, by the clock
    h.server.writeAsOther({ type: 'assessment', id: rec.id, entityId: ENTITY, data: { v: 'theirs' }, deleted: false, hlc: '2099-01-01T00:00:00.000Z-0000-other' });
    h.server.faults.push({ kind: 'ok' }, { kind: 'status', status: 503, code: 'UNAVAILABLE' }); // the pull fails: adopted from the push result alone
    h.env.net.emit('online');
    await h.idle();
    expect(h.engine.store.getState().state).toMatchObject({ kind: 'backing_off' });
    const entries = await h.engine.listOutbox();
    expect(entries[1]).toMatchObject({ status: 'conflict', winner: 'server', version: 2 });
    expect(await h.engine.getRecord(rec.id)).toMatchObject({ data: { v: 'theirs' }, version: 2, updatedBy: 'other' });
    expect(h.engine.store.getState().counts.conflict).toBe(1);
  });

  it('keeps a newer local change when the server wins over an older one', async () => {
    await started();
    const rec = await h.engine.create({ type: 'assessment', entityId: ENTITY, data: { v: 0 } });
    await h.idle();
    h.env.net.emit('offline');
    await h.engine.update(rec.id, { v: 'older' });
    // the first update is sent but its answer is lost; meanwhile another write lands, then a newer local edit
    h.server.faults.push({ kind: 'drop-request' });
    await h.engine.syncNow();
    h.server.writeAsOther({ type: 'assessment', id: rec.id, entityId: ENTITY, data: { v: 'theirs' }, deleted: false, hlc: '2026-11-26T08:00:00.500Z-0000-other' });
    h.env.time.advance(60_000); // our newest edit is later than theirs by the clock
    await h.engine.update(rec.id, { v: 'newest' });
    h.env.net.emit('online');
    await h.idle();
    const statuses = (await h.engine.listOutbox()).map((e) => [e.status, e.status === 'conflict' ? e.winner : null]);
    expect(statuses).toEqual([
      ['completed', null],
      ['conflict', 'server'],
      ['conflict', 'client'],
    ]);
    expect(await h.engine.getRecord(rec.id)).toMatchObject({ data: { v: 'newest' } });
    expect(h.server.records.get(rec.id)).toMatchObject({ data: { v: 'newest' } });
  });

  it('stores the new version when the client wins a conflict', async () => {
    await started();
    const rec = await h.engine.create({ type: 'assessment', entityId: ENTITY, data: { v: 0 } });
    await h.idle();
    h.server.writeAsOther({ type: 'assessment', id: rec.id, entityId: ENTITY, data: { v: 'theirs' }, deleted: false, hlc: '2000-01-01T00:00:00.000Z-0000-other' });
    await h.engine.update(rec.id, { v: 'mine' });
    await h.idle();
    expect((await h.engine.listOutbox())[1]).toMatchObject({ status: 'conflict', winner: 'client', version: 3 });
    expect(await h.engine.getRecord(rec.id)).toMatchObject({ version: 3, data: { v: 'mine' } });
  });

  it('stops a rejected create and holds back only its dependants', async () => {
    await started();
    h.env.net.emit('offline');
    const bad = await h.engine.create({ type: 'assessment', entityId: OTHER_ENTITY, data: {} });
    const child = await h.engine.create({ type: 'response', entityId: OTHER_ENTITY, data: { assessmentId: bad.id } });
    const good = await h.engine.create({ type: 'assessment', entityId: ENTITY, data: {} });
    h.env.net.emit('online');
    await h.idle();
    const byRecord = new Map((await h.engine.listOutbox()).map((e) => [e.recordId, e]));
    expect(byRecord.get(bad.id)).toMatchObject({ status: 'rejected', code: 'FORBIDDEN' });
    expect(byRecord.get(child.id)).toMatchObject({ status: 'pending' });
    expect(byRecord.get(good.id)).toMatchObject({ status: 'completed' });
    expect(h.engine.store.getState().state).toEqual({ kind: 'idle' });
  });
});

describe('engine push limits', () => {
  it('keeps two independent batches in flight at once, holding back a change that depends on one of them', async () => {
    await started();
    h.env.net.emit('offline');
    const first = await h.engine.create({ type: 'assessment', entityId: ENTITY, data: { i: 0 } });
    for (let i = 1; i < 150; i++) await h.engine.create({ type: 'assessment', entityId: ENTITY, data: { i } });
    const response = await h.engine.create({ type: 'response', entityId: ENTITY, data: { assessmentId: first.id } });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let inFlight = 0;
    let most = 0;
    h.server.beforePush = async () => {
      most = Math.max(most, ++inFlight);
      await held;
      inFlight--;
    };
    h.env.net.emit('online');
    for (let i = 0; i < 2000 && inFlight < 2; i++) await new Promise((r) => setImmediate(r));
    const heldAtOnce = inFlight;
    const [a, b] = h.server.pushes().map((p) => new Set(p.changes.map((c) => c.recordId)));
    release();
    await h.idle();
    expect(heldAtOnce).toBe(2);
    expect([a?.size, b?.size]).toEqual([100, 50]);
    expect([...a!].some((id) => b!.has(id))).toBe(false);
    expect(a!.has(response.id) || b!.has(response.id)).toBe(false);
    expect(most).toBe(2);
    expect(h.server.pushes().map((p) => p.changes.length)).toEqual([100, 50, 1]);
    expect(h.server.records.get(response.id)).toBeDefined();
    expect(h.engine.store.getState().counts).toMatchObject({ completed: 151, pending: 0, failed: 0 });
  });

  it('after one of two batches in flight fails, sends no more and leaves every entry to be sent again', async () => {
    await started();
    h.env.net.emit('offline');
    for (let i = 0; i < 150; i++) await h.engine.create({ type: 'assessment', entityId: ENTITY, data: { i } });
    h.server.faults.push({ kind: 'drop-request' });
    h.env.net.emit('online');
    await h.idle();
    const statuses = (await h.engine.listOutbox()).map((e) => e.status);
    expect(statuses.filter((s) => s === 'syncing')).toEqual([]);
    expect(statuses.filter((s) => s === 'completed').length + statuses.filter((s) => s === 'failed').length).toBe(150);
    expect(h.server.pushes()).toHaveLength(2);
    h.env.time.advance(10_000);
    await h.idle();
    expect(h.engine.store.getState().counts).toMatchObject({ completed: 150, pending: 0, failed: 0 });
    expect(h.server.records.size).toBe(150);
  });

  it('splits batches after 413 and rejects a lone change the server finds too large', async () => {
    await started();
    h.env.net.emit('offline');
    for (let i = 0; i < 4; i++) await h.engine.create({ type: 'assessment', entityId: ENTITY, data: { i } });
    const tooLarge = { kind: 'status', status: 413, code: 'PAYLOAD_TOO_LARGE' } as const;
    h.server.faults.push(tooLarge, tooLarge, tooLarge, tooLarge);
    h.env.net.emit('online');
    await h.idle();
    // 4 refused; halves of 2, both in flight, refused; then single changes, the first refused.
    expect(h.server.pushes().map((p) => p.changes.length)).toEqual([4, 2, 2, 1, 1, 1, 1]);
    const statuses = (await h.engine.listOutbox()).map((e) => e.status);
    expect(statuses.filter((s) => s === 'completed')).toHaveLength(3);
    expect(statuses.filter((s) => s === 'rejected')).toHaveLength(1);
  });
});

describe('engine push storage failures', () => {
  it('never leaves entries "syncing" when storing the answers fails, and re-sends them under the same change id', async () => {
    h = await harness();
    let full = false;
    const db = h.engine.db;
    db.close();
    db.use({
      stack: 'dbcore',
      name: 'full-disk',
      create: (down) => ({
        ...down,
        table: (name) => {
          const t = down.table(name);
          return name === 'records' ? { ...t, mutate: (req) => (full ? Promise.reject(new DOMException('full', 'QuotaExceededError')) : t.mutate(req)) } : t;
        },
      }),
    });
    await db.open();
    const rec = await h.engine.create({ type: 'assessment', entityId: ENTITY, data: {} });
    full = true;
    h.engine.start();
    await h.engine.whenLeader();
    await h.idle();
    const [e] = await h.engine.listOutbox();
    expect(e).toMatchObject({ status: 'failed' });
    expect(h.engine.store.getState().state).toMatchObject({ kind: 'error' });
    full = false;
    await h.engine.syncNow();
    const ids = h.server.pushes().map((p) => p.changes[0]!.changeId);
    expect(ids).toEqual([e!.changeId, e!.changeId]);
    expect((await h.engine.listOutbox())[0]).toMatchObject({ status: 'completed', version: 1 });
    expect(h.server.records.get(rec.id)!.version).toBe(1);
  });
});
