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
const id = (n: number) => `0193a6f0-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;
const theirs = (n: number, data: Record<string, unknown>, hlc = '2026-11-26T07:00:00.000Z-0000-other') =>
  h.server.writeAsOther({ type: 'assessment', id: id(n), entityId: ENTITY, data, deleted: false, hlc });

describe('engine pull', () => {
  it('pulls every page after pushing, stores records, entities and the cursor', async () => {
    h = await harness({ pullLimit: 2 });
    for (let i = 1; i <= 5; i++) theirs(i, { i });
    h.engine.start();
    await h.engine.whenLeader();
    await h.idle();
    expect(h.server.requests.filter((r) => r.path === '/api/v1/sync/pull')).toHaveLength(3);
    expect((await h.engine.listRecords()).map((r) => r.data)).toEqual([1, 2, 3, 4, 5].map((i) => ({ i })));
    expect(await h.engine.listEntities()).toEqual([{ id: ENTITY, name: 'Camp North', kind: 'camp' }]);
    expect(await h.engine.db.meta.get('cursor')).toEqual({ key: 'cursor', value: '5' });
  });

  it('advances the clock past every stamp it receives', async () => {
    h = await harness();
    theirs(1, {}, '2027-01-01T00:00:00.000Z-0005-other');
    h.engine.start();
    await h.engine.whenLeader();
    await h.idle();
    const rec = await h.engine.update(id(1), { mine: true });
    expect(rec.hlc > '2027-01-01T00:00:00.000Z-0005-other').toBe(true);
  });

  it('never overwrites a record that has a pending local change', async () => {
    await started();
    theirs(1, { v: 'first' });
    await h.engine.syncNow();
    h.env.net.emit('offline');
    await h.engine.update(id(1), { v: 'mine' });
    theirs(1, { v: 'theirs' });
    // a pull without a push: the local change is still pending
    h.server.faults.push({ kind: 'status', status: 503, code: 'UNAVAILABLE' });
    h.env.net.online = true;
    await h.engine.syncNow(); // push fails (503) before the pull; pull directly:
    const { pullAll } = await import('./pull');
    await pullAll({ db: h.engine.db, now: h.env.time.now, transport: h.engine.transport, token: h.server.validToken, limit: 100, onProgress: () => undefined });
    expect(await h.engine.getRecord(id(1))).toMatchObject({ data: { v: 'mine' }, version: 1, server: { version: 2, data: { v: 'theirs' } } });
  });

  it('removes the synced records of a removed entity, but never unsynced work', async () => {
    await started();
    theirs(1, { v: 1 });
    theirs(2, { v: 2 });
    await h.engine.syncNow();
    h.env.net.emit('offline');
    await h.engine.update(id(2), { v: 'unsynced' });
    const { storePage } = await import('./pull');
    await storePage(h.engine.db, { changes: [], entities: [], removedEntityIds: [ENTITY], cursor: '9', hasMore: false, serverHlc: h.server.hlc }, h.env.time.now());
    expect(await h.engine.getRecord(id(1))).toBeUndefined();
    expect(await h.engine.getRecord(id(2))).toMatchObject({ data: { v: 'unsynced' } });
    expect(await h.engine.listEntities()).toEqual([]);
  });

  it('replaces the entity list when the server sends a new set', async () => {
    await started();
    const { storePage } = await import('./pull');
    const entities = [{ id: OTHER_ENTITY, name: 'Riverside Clinic', kind: 'clinic' }];
    await storePage(h.engine.db, { changes: [], entities, removedEntityIds: [], cursor: '9', hasMore: false, serverHlc: h.server.hlc }, h.env.time.now());
    expect(await h.engine.listEntities()).toEqual(entities);
  });

  it('drops an invalid cursor and starts over', async () => {
    await started();
    theirs(1, {});
    await h.engine.db.meta.put({ key: 'cursor', value: 'stale' });
    await h.engine.syncNow();
    const pulls = h.server.requests.filter((r) => r.path === '/api/v1/sync/pull').slice(-2);
    expect(pulls).toHaveLength(2);
    expect(await h.engine.getRecord(id(1))).toBeDefined();
    expect(h.engine.store.getState().state).toEqual({ kind: 'idle' });
  });

  it('adopts pulled deletes (tombstones) and hides them from lists', async () => {
    await started();
    theirs(1, { v: 1 });
    await h.engine.syncNow();
    h.server.writeAsOther({ type: 'assessment', id: id(1), entityId: ENTITY, data: { v: 1 }, deleted: true, hlc: '2026-11-26T07:30:00.000Z-0000-other' });
    await h.engine.syncNow();
    expect(await h.engine.getRecord(id(1))).toMatchObject({ deleted: true, version: 2 });
    expect(await h.engine.listRecords()).toEqual([]);
    expect(await h.engine.listRecords({ includeDeleted: true, entityId: ENTITY, type: 'assessment' })).toHaveLength(1);
  });

  it('asks for the next page while storing one, and a page that fails to store leaves the cursor at the last stored page', async () => {
    await started();
    for (let i = 1; i <= 6; i++) theirs(i, { i });
    const { pullAll } = await import('./pull');
    const storedWhenAsked: Array<Promise<unknown>> = [];
    let breakPage = 2;
    const transport = {
      ...h.engine.transport,
      pull: async (token: string, cursor: string | null, limit: number) => {
        // Read as the request is made (the run may have failed before the read is answered).
        storedWhenAsked.push(h.engine.db.meta.get('cursor').then((r) => r?.value ?? null));
        const page = await h.engine.transport.pull(token, cursor, limit);
        // A record without an id cannot be stored: this page's transaction fails.
        if (--breakPage === 0) return { ...page, changes: [{ ...page.changes[0]!, id: undefined as unknown as string }] };
        return page;
      },
    };
    await h.engine.db.meta.delete('cursor');
    const run = { db: h.engine.db, now: h.env.time.now, transport, token: h.server.validToken, limit: 2, onProgress: () => undefined };
    await expect(pullAll(run)).rejects.toThrow();
    // Page 2 was asked for before page 1 was stored; page 3 before page 2 failed.
    expect(await Promise.all(storedWhenAsked)).toEqual([null, null, '2']);
    expect(await h.engine.db.meta.get('cursor')).toEqual({ key: 'cursor', value: '2' });
    await pullAll(run);
    expect((await h.engine.listRecords()).map((r) => r.data)).toEqual([1, 2, 3, 4, 5, 6].map((i) => ({ i })));
  });
});
