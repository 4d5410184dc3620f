// The engine's live updates against the REAL server handlers, in process, on PGlite: a device
// with the stream open pulls another device's commit without any other trigger, a coordinator's
// store follows the open-conflict count, the overwritten user's store names the record, and the
// stream closes on sign-out and when offline.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ENTITIES } from '@/server/seed/demo';
import type { TestServer } from '@/server/test-server';
import type { FetchLike } from './env';
import { idleAll } from './testing/device';
import type { FakeTime } from './testing/fake-env';
import { type DemoUser, type InProcessWorld, inProcessWorld } from './testing/in-process-world';

const SOUTH = DEMO_ENTITIES.campSouth.id;

let world: InProcessWorld;
let server: TestServer;
let fetch: FetchLike;
let time: FakeTime;

beforeAll(async () => {
  world = await inProcessWorld();
  ({ server, time } = world);
  const api = server.api;
  // The test network reads whole bodies; the event stream goes to its handler as it is.
  fetch = (input, init) =>
    new URL(input, 'http://fieldsync.test').pathname === '/api/v1/sync/events'
      ? api.syncEvents(new Request(new URL(input, 'http://fieldsync.test'), init))
      : world.net.fetch(input, init);
}, 120_000);

afterAll(async () => world?.close());

const device = (label: string, user: DemoUser, liveUpdates: boolean) => world.device(label, user, { fetch, options: { liveUpdates } });

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('live updates in the engine', () => {
  it("pulls another device's commit when the stream says so, with no other trigger", async () => {
    const ana = await device('ana', 'ana', true);
    const ben = await device('ben', 'ben', false);
    await until('ana stream open', () => ana.engine.store.getState().live);
    const record = await ben.engine.create({ type: 'assessment', entityId: SOUTH, data: { note: 'from ben' } });
    await idleAll([ben]);
    await until("ben's record on ana's device", async () => (await ana.engine.getRecord(record.id)) !== undefined);
    expect((await ana.engine.getRecord(record.id))?.data).toEqual({ note: 'from ben' });
  });

  it('gives a coordinator the open-conflict count, and the overwritten user the record', async () => {
    const cora = await device('cora', 'cora', true);
    const ana = await device('ana2', 'ana', true);
    const ben = await device('ben2', 'ben', false);
    await until('cora count', () => cora.engine.store.getState().openConflicts !== null);
    const before = cora.engine.store.getState().openConflicts!;
    expect(ana.engine.store.getState().openConflicts).toBeNull();

    const record = await ana.engine.create({ type: 'assessment', entityId: SOUTH, data: { v: 'ana 1' } });
    await idleAll([ana]);
    await ben.engine.syncNow();
    await idleAll([ben]);
    expect(await ben.engine.getRecord(record.id)).toBeDefined();
    // ana's second write is applied; ben, not having pulled it, writes later from version 1 and wins.
    await ana.engine.update(record.id, { v: 'ana 2' });
    await idleAll([ana]);
    time.advance(1_000);
    await ben.engine.update(record.id, { v: 'ben' });
    await idleAll([ben]);

    await until('ana told of the overwrite', () => ana.engine.store.getState().overwrittenRecordIds.includes(record.id));
    await until('cora count up', () => cora.engine.store.getState().openConflicts === before + 1);
    await until("ben's winning write on ana's device", async () => (await ana.engine.getRecord(record.id))?.data.v === 'ben');
  });

  it('closes the stream offline and on sign-out, and opens it again online', async () => {
    const ana = await device('ana3', 'ana', true);
    await until('open', () => ana.engine.store.getState().live);
    const streams = server.ctx.events.size;
    ana.env.net.emit('offline');
    await until('closed offline', () => !ana.engine.store.getState().live && server.ctx.events.size === streams - 1);
    ana.env.net.emit('online');
    await until('open again', () => ana.engine.store.getState().live && server.ctx.events.size === streams);
    await ana.engine.setToken(null);
    await until('closed on sign-out', () => !ana.engine.store.getState().live && server.ctx.events.size === streams - 1);
    expect(ana.engine.store.getState()).toMatchObject({ openConflicts: null, overwrittenRecordIds: [] });
  });
});
