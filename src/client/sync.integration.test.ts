// The engine on Dexie over fake IndexedDB against the REAL server handlers of this repo, in
// process, on PGlite, through a network the test controls (no HTTP mocks of the server).
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '@/server/db/database';
import type { Database } from '@/server/db/database';
import { DEMO_ENTITIES, DEMO_PASSWORD } from '@/server/seed/demo';
import type { TestServer } from '@/server/test-server';
import { gzipText } from './compress';
import type { FetchLike } from './env';
import { type DemoUser, type InProcessWorld, inProcessWorld } from './testing/in-process-world';
import type { ControlledNetwork } from './testing/controlled-network';
import { createTransport } from './transport';
import { type Device, idleAll } from './testing/device';
import type { FakeTime } from './testing/fake-env';

const NORTH = DEMO_ENTITIES.campNorth.id;
const SOUTH = DEMO_ENTITIES.campSouth.id;
const RIVER = DEMO_ENTITIES.riverside.id;

let world: InProcessWorld;
let database: Database;
let server: TestServer;
let net: ControlledNetwork;
let time: FakeTime;

beforeAll(async () => {
  world = await inProcessWorld();
  ({ database, server, net, time } = world);
}, 120_000);

afterAll(async () => world?.close());

const device = (label: string, user: DemoUser) => world.device(label, user);
const stored = (id: string) => world.stored(id);

async function changesSeen(recordId: string): Promise<number> {
  const [r] = await rows<{ n: number }>(database.db, sql`select count(*)::int as n from sync_changes where record_id = ${recordId}`);
  return r?.n ?? 0;
}

async function advance(ms: number, ds: Device[]) {
  time.advance(ms);
  server.clock.advance(ms);
  await idleAll(ds);
}

describe('client engine against the real server', () => {
  it('syncs offline work to the server and on to another device', async () => {
    const ana = await device('ana', 'ana');
    const cora = await device('cora', 'cora');
    ana.env.net.emit('offline');
    const a = await ana.engine.create({ type: 'assessment', entityId: NORTH, data: { title: 'Well 4' } });
    const r = await ana.engine.create({ type: 'response', entityId: NORTH, data: { assessmentId: a.id, q1: 'yes' } });
    await ana.engine.update(a.id, { title: 'Well 4 (north)' });
    ana.env.net.emit('online');
    await idleAll([ana]);
    expect(await ana.engine.listOutbox()).toMatchObject([{ status: 'completed' }, { status: 'completed' }]);
    expect(await stored(a.id)).toMatchObject({ version: 1, data: { title: 'Well 4 (north)' } });
    await cora.engine.syncNow();
    expect(await cora.engine.getRecord(r.id)).toMatchObject({ version: 1, data: { assessmentId: a.id, q1: 'yes' } });
    expect((await cora.engine.listEntities()).map((e) => e.id).sort()).toEqual([NORTH, SOUTH, RIVER].sort());
    expect((await ana.engine.listEntities()).map((e) => e.id).sort()).toEqual([NORTH, SOUTH].sort());
  });

  it('pushes gzip-encoded batches, which the real server decodes and applies', async () => {
    const encodings: Array<string | null> = [];
    const fetch: FetchLike = (input, init) => {
      if (input.endsWith('/api/v1/sync/batch')) encodings.push(new Headers(init?.headers).get('content-encoding'));
      return net.fetch(input, init);
    };
    const transport = createTransport({ fetch, baseUrl: 'http://fieldsync.test', timers: time, clock: time, compress: gzipText });
    const ana = await world.device('gzip', 'ana', { fetch, options: { transport } });
    ana.env.net.emit('offline');
    const made = [];
    for (let i = 0; i < 30; i++) made.push(await ana.engine.create({ type: 'assessment', entityId: NORTH, data: { title: `Household ${i}`, notes: 'shelter repair and clean water' } }));
    ana.env.net.emit('online');
    await idleAll([ana]);
    expect(encodings.length).toBeGreaterThan(0);
    expect(encodings.every((e) => e === 'gzip')).toBe(true);
    for (const [i, r] of made.entries()) expect(await stored(r.id)).toMatchObject({ version: 1, data: { title: `Household ${i}` } });
    expect((await ana.engine.listOutbox()).every((e) => e.status === 'completed')).toBe(true);
  });

  it('applies a change once when the response is lost after the server committed', async () => {
    const ana = await device('ana', 'ana');
    net.faults.push({ kind: 'drop-response' });
    const a = await ana.engine.create({ type: 'assessment', entityId: NORTH, data: { n: 1 } });
    await idleAll([ana]);
    expect((await ana.engine.listOutbox())[0]).toMatchObject({ status: 'failed' });
    expect(await stored(a.id)).toMatchObject({ version: 1 }); // committed, answer lost
    await advance(5_000, [ana]);
    expect((await ana.engine.listOutbox())[0]).toMatchObject({ status: 'completed', version: 1, attempts: 2 });
    expect(await stored(a.id)).toMatchObject({ version: 1 });
    expect(await changesSeen(a.id)).toBe(1);
  });

  it('backs off on 503 with Retry-After and on 429, then gets through', async () => {
    const ana = await device('ana', 'ana');
    net.faults.push({ kind: 'status', status: 503, retryAfter: 4 }, { kind: 'status', status: 429, retryAfter: 2 });
    const t0 = time.now();
    const a = await ana.engine.create({ type: 'assessment', entityId: NORTH, data: {} });
    await idleAll([ana]);
    expect(ana.engine.store.getState().state).toEqual({ kind: 'backing_off', until: t0 + 4000 });
    await advance(4000, [ana]);
    expect(ana.engine.store.getState().state).toMatchObject({ kind: 'backing_off' });
    await advance(2000, [ana]);
    expect(await stored(a.id)).toMatchObject({ version: 1 });
    expect(ana.engine.store.getState().state).toEqual({ kind: 'idle' });
  });

  it('settles concurrent edits by last write wins; the loser is in the conflict log; both devices agree', async () => {
    const ana = await device('ana', 'ana');
    const cora = await device('cora', 'cora');
    const a = await ana.engine.create({ type: 'assessment', entityId: NORTH, data: { v: 'base' } });
    await idleAll([ana]);
    await cora.engine.syncNow();
    ana.env.net.emit('offline');
    cora.env.net.emit('offline');
    await ana.engine.update(a.id, { v: 'ana' });
    time.advance(1000);
    await cora.engine.update(a.id, { v: 'cora' }); // later
    cora.env.net.emit('online');
    await idleAll([cora]);
    ana.env.net.emit('online');
    await idleAll([ana]);
    const anaEntry = (await ana.engine.listOutbox()).at(-1)!;
    expect(anaEntry).toMatchObject({ status: 'conflict', winner: 'server' });
    expect(await ana.engine.getRecord(a.id)).toMatchObject({ data: { v: 'cora' }, version: 2 });
    await cora.engine.syncNow();
    expect(await cora.engine.getRecord(a.id)).toMatchObject({ data: { v: 'cora' }, version: 2 });
    const res = await server.api.syncConflicts(
      new Request(`http://t/api/v1/sync/conflicts?entityId=${NORTH}`, { headers: { authorization: `Bearer ${await server.token('cora@demo.fieldsync')}` } }),
    );
    const { conflicts } = (await res.json()) as { conflicts: Array<{ recordId: string; loser: { data: unknown } }> };
    expect(conflicts.find((c) => c.recordId === a.id)?.loser.data).toEqual({ v: 'ana' });
  });

  it('rejects a change to an entity not assigned, holding back only its dependants', async () => {
    const ana = await device('ana', 'ana');
    ana.env.net.emit('offline');
    const bad = await ana.engine.create({ type: 'assessment', entityId: RIVER, data: {} });
    const dep = await ana.engine.create({ type: 'response', entityId: RIVER, data: { assessmentId: bad.id } });
    const ok = await ana.engine.create({ type: 'assessment', entityId: SOUTH, data: {} });
    ana.env.net.emit('online');
    await idleAll([ana]);
    const byRecord = new Map((await ana.engine.listOutbox()).map((e) => [e.recordId, e]));
    expect(byRecord.get(bad.id)).toMatchObject({ status: 'rejected', code: 'FORBIDDEN' });
    expect(byRecord.get(dep.id)).toMatchObject({ status: 'pending' });
    expect(byRecord.get(ok.id)).toMatchObject({ status: 'completed' });
    expect(await stored(bad.id)).toBeUndefined();
    expect(JSON.parse(await ana.engine.exportUnsynced()).entries).toHaveLength(2);
  });

  it('pauses on a refused token and resumes after a new login', async () => {
    const ben = await device('ben', 'ben');
    await ben.engine.setToken('not-a-jwt');
    const a = await ben.engine.create({ type: 'assessment', entityId: RIVER, data: {} });
    await idleAll([ben]);
    expect(ben.engine.store.getState().state).toEqual({ kind: 'needs_login' });
    expect(await stored(a.id)).toBeUndefined();
    await ben.login('ben@demo.fieldsync', DEMO_PASSWORD);
    await idleAll([ben]);
    expect(await stored(a.id)).toMatchObject({ version: 1 });
  });

  it('starts over when the server refuses the cursor', async () => {
    const ben = await device('ben', 'ben');
    await ben.engine.db.meta.put({ key: 'cursor', value: 'forged-cursor' });
    await ben.engine.syncNow();
    expect(ben.engine.store.getState().state).toEqual({ kind: 'idle' });
    expect(net.log.filter((e) => e.path === '/api/v1/sync/pull' && e.status === 400).length).toBeGreaterThan(0);
    expect(await ben.engine.db.meta.get('cursor')).not.toEqual({ key: 'cursor', value: 'forged-cursor' });
  });

  it('removes the synced records of an entity the user lost, but keeps unsynced work', async () => {
    const ben = await device('ben', 'ben');
    const synced = await ben.engine.create({ type: 'assessment', entityId: RIVER, data: { kept: false } });
    await idleAll([ben]);
    expect(await stored(synced.id)).toMatchObject({ version: 1 });
    const admin = await server.token('admin@demo.fieldsync');
    const [benRow] = await rows<{ id: string }>(database.db, sql`select id from users where email = 'ben@demo.fieldsync'`);
    const res = await server.api.adminReplaceAssignments(
      new Request(`http://t/api/v1/admin/users/${benRow!.id}/assignments`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ entityIds: [SOUTH] }),
      }),
    );
    expect(res.status).toBe(200);
    ben.env.net.emit('offline');
    const unsynced = await ben.engine.create({ type: 'assessment', entityId: RIVER, data: { kept: true } });
    ben.env.net.emit('online');
    await idleAll([ben]);
    expect(await ben.engine.getRecord(synced.id)).toBeUndefined();
    expect(await ben.engine.getRecord(unsynced.id)).toMatchObject({ data: { kept: true } });
    expect((await ben.engine.listOutbox()).find((e) => e.recordId === unsynced.id)).toMatchObject({ status: 'rejected', code: 'FORBIDDEN' });
    expect((await ben.engine.listEntities()).map((e) => e.id)).toEqual([SOUTH]);
  });
});
