// GET /api/v1/sync/events on every test database: who may open a stream, what each caller is
// told after commits by any writer (the push, the resolve, plain SQL), the bounds, the end.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/database';
import { testDatabases } from '../../db/test-databases';
import { type TestServer, createTestServer } from '../../test-server';
import { insertConflict, side } from '../conflicts/test-conflicts';
import { assign, createEntity, createUser, insertRecord, stamp, userIdOf, writeRecord } from '../pull/test-fixtures';
import { announce, deferNotices } from './announce';
import { EventHub } from './event-hub';
import { readEvents } from './test-events';

const open = (server: TestServer, token?: string, url = 'http://test/api/v1/sync/events') =>
  server.api.syncEvents(new Request(url, { headers: token ? { authorization: `Bearer ${token}` } : {} }));

describe.each(testDatabases())('GET /sync/events on $name', (factory) => {
  let database: Database;
  let server: TestServer;
  beforeAll(async () => {
    database = await factory.create();
    server = await createTestServer(database, { eventStreamsPerUser: 2, eventStreams: 6 });
  });
  afterAll(async () => {
    await server.ctx.events.close();
    await database.close();
  });

  it('refuses a missing, malformed or URL-borne token with 401', async () => {
    const token = await server.token('ana@demo.fieldsync');
    for (const res of [await open(server), await open(server, 'not.a.token'), await open(server, undefined, `http://test/api/v1/sync/events?token=${token}`)]) {
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    }
  });

  it("tells a user of commits to their entities' records only, by any writer", async () => {
    const mine = await createEntity(database.db);
    const notMine = await createEntity(database.db);
    const user = await createUser(server, 'field_worker', [mine]);
    const res = await open(server, user.token);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store, no-transform');
    const events = readEvents(res);
    await insertRecord(database.db, { entityId: notMine });
    const record = await insertRecord(database.db, { entityId: mine });
    expect((await events.next()).data).toEqual({ entityIds: [mine] });
    await writeRecord(database.db, record, { data: { v: 2 } });
    expect(await events.next()).toMatchObject({ event: 'changes', data: { entityIds: [mine] } });
    // A rolled-back write announces nothing.
    await database.db
      .transaction(async (tx) => {
        await insertRecord(tx, { entityId: mine });
        throw new Error('roll back');
      })
      .catch(() => {});
    await insertRecord(database.db, { entityId: notMine });
    await expect(events.next(undefined, 300)).rejects.toThrow();
    await events.cancel();
  });

  it('leaves the announcing of a deferring writer to it, after its commit', async () => {
    const mine = await createEntity(database.db);
    const user = await createUser(server, 'field_worker', [mine]);
    const events = readEvents(await open(server, user.token));
    const record = await database.db.transaction(async (tx) => {
      await deferNotices(tx);
      const id = await insertRecord(tx, { entityId: mine, updatedBy: user.id });
      await insertConflict(tx, { recordId: id, entityId: mine, resolution: 'client_wins', loser: side({ userId: user.id }) });
      return id;
    });
    await expect(events.next(undefined, 300)).rejects.toThrow();
    await announce(database.db, [
      { k: 'records', e: [mine] },
      { k: 'conflicts', e: [mine], o: [{ u: user.id, r: record }] },
    ]);
    expect((await events.next('changes')).data).toEqual({ entityIds: [mine] });
    expect((await events.next('overwritten')).data).toEqual({ recordIds: [record] });
    // The setting was the transaction's own: the next write announces itself again.
    await insertRecord(database.db, { entityId: mine });
    expect((await events.next('changes')).data).toEqual({ entityIds: [mine] });
    await events.cancel();
  });

  it('tells a user gaining an entity to pull it', async () => {
    const gained = await createEntity(database.db);
    const user = await createUser(server, 'field_worker', []);
    const events = readEvents(await open(server, user.token));
    await assign(database.db, user.id, [gained]);
    expect((await events.next('changes')).data).toEqual({ entityIds: [gained] });
    await insertRecord(database.db, { entityId: gained });
    expect((await events.next('changes')).data).toEqual({ entityIds: [gained] });
    await events.cancel();
  });

  it('gives coordinators their open-conflict count as it changes, and tells the overwritten user', async () => {
    const entity = await createEntity(database.db);
    const coordinator = await createUser(server, 'coordinator', [entity]);
    const worker = await createUser(server, 'field_worker', [entity]);
    const other = await createUser(server, 'field_worker', [entity]);
    const coord = readEvents(await open(server, coordinator.token));
    const work = readEvents(await open(server, worker.token));
    expect((await coord.next('conflicts')).data).toEqual({ open: 0 });
    const record = await insertRecord(database.db, { entityId: entity });
    // The worker's stored write lost to the other user's later one.
    await insertConflict(database.db, {
      recordId: record,
      entityId: entity,
      resolution: 'client_wins',
      winner: side({ userId: other.id, hlc: stamp() }),
      loser: side({ userId: worker.id }),
    });
    expect((await coord.next('conflicts')).data).toEqual({ open: 1 });
    expect((await work.next('overwritten')).data).toEqual({ recordIds: [record] });
    // The worker's own losing push (server_wins) is no overwrite; a field worker gets no counts.
    await insertConflict(database.db, { recordId: record, entityId: entity, loser: side({ userId: worker.id }) });
    expect((await coord.next('conflicts')).data).toEqual({ open: 2 });
    await expect(work.next('overwritten', 300)).rejects.toThrow();
    await expect(work.next('conflicts', 1)).rejects.toThrow();
    await coord.cancel();
    await work.cancel();
  });

  it('a conflict resolved through the API lowers the count, and a restore tells the replaced writer', async () => {
    const cora = await server.token('cora@demo.fieldsync');
    const entity = await createEntity(database.db);
    await assign(database.db, await userIdOf(database.db, 'cora@demo.fieldsync'), [entity]);
    const winner = await createUser(server, 'field_worker', [entity]);
    const record = await insertRecord(database.db, { entityId: entity, updatedBy: winner.id });
    const conflictId = await insertConflict(database.db, {
      recordId: record,
      entityId: entity,
      winner: side({ userId: winner.id, version: 1 }),
      loser: side({ userId: randomUUID() }),
    });
    const coord = readEvents(await open(server, cora));
    const before = (await coord.next('conflicts')).data as { open: number };
    const win = readEvents(await open(server, winner.token));
    const res = await server.api.syncResolve(
      new Request('http://test/api/v1/sync/resolve', {
        method: 'POST',
        headers: { authorization: `Bearer ${cora}`, 'content-type': 'application/json' },
        body: JSON.stringify({ conflictId, action: 'restore_loser' }),
      }),
    );
    expect(res.status).toBe(200);
    expect((await coord.next('conflicts')).data).toEqual({ open: before.open - 1 });
    expect((await win.next('changes')).data).toEqual({ entityIds: [entity] });
    expect((await win.next('overwritten')).data).toEqual({ recordIds: [record] });
    await coord.cancel();
    await win.cancel();
  });

  it('bounds streams per user and per instance with 429, and frees a slot when a stream ends', async () => {
    const entity = await createEntity(database.db);
    const users = await Promise.all([0, 1, 2, 3].map(() => createUser(server, 'field_worker', [entity])));
    const already = server.ctx.events.size;
    const a = readEvents(await open(server, users[0]!.token));
    const b = readEvents(await open(server, users[0]!.token));
    const third = await open(server, users[0]!.token);
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await third.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    const others = [readEvents(await open(server, users[1]!.token)), readEvents(await open(server, users[1]!.token))];
    others.push(readEvents(await open(server, users[2]!.token)), readEvents(await open(server, users[2]!.token)));
    expect(server.ctx.events.size).toBe(already + 6);
    expect((await open(server, users[3]!.token)).status).toBe(429);
    await a.cancel();
    const again = await open(server, users[3]!.token);
    expect(again.status).toBe(200);
    for (const r of [b, ...others, readEvents(again)]) await r.cancel();
    expect(server.ctx.events.size).toBe(already);
  });

  it('sends a comment every heartbeat to keep the connection alive', async () => {
    const { database: db, clock, log } = server.ctx;
    const hub = new EventHub({ database: db, clock, log, config: { eventStreams: 5, eventStreamsPerUser: 5 }, heartbeatMs: 50 });
    const user = await createUser(server, 'field_worker', []);
    const caller = { id: user.id, email: 'x', name: 'x', role: 'field_worker' as const, entityIds: [] };
    const events = readEvents(new Response((await hub.open(caller, clock.now() + 60_000)).body));
    await sleep(300);
    expect(events.comments.filter((c) => c === 'keep-alive').length).toBeGreaterThanOrEqual(3);
    await hub.close();
    await events.ended;
  });

  it('ends the stream when its token expires, and every stream on close', async () => {
    const short = await createTestServer(database, { tokenTtlSeconds: 1 });
    const user = await createUser(short, 'field_worker', []);
    const expiring = readEvents(await open(short, user.token));
    short.clock.advance(1_000);
    await expect(Promise.race([expiring.ended.then(() => 'ended'), sleep(5_000).then(() => 'open')])).resolves.toBe('ended');

    const lasting = readEvents(await open(server, (await createUser(server, 'field_worker', [])).token));
    await server.ctx.events.close();
    await expect(Promise.race([lasting.ended.then(() => 'ended'), sleep(2_000).then(() => 'open')])).resolves.toBe('ended');
    const refused = await open(server, (await createUser(server, 'field_worker', [])).token);
    expect(refused.status).toBe(503);
    await short.ctx.events.close();
  });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
