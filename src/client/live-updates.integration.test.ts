// The engine's live updates against the REAL server handlers, in process, on PGlite: a device
// with the stream open pulls another device's commit without any other trigger, a coordinator's
// store follows the open-conflict count, the overwritten user's store names the record, and the
// stream closes on sign-out and when offline.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/server/db/database';
import { testDatabases } from '@/server/db/test-databases';
import { DEMO_ENTITIES, DEMO_PASSWORD } from '@/server/seed/demo';
import { type TestServer, createTestServer } from '@/server/test-server';
import type { FetchLike } from './env';
import { Device, idleAll } from './testing/device';
import { ControlledNetwork } from './testing/controlled-network';
import { FakeTime } from './testing/fake-env';

const SOUTH = DEMO_ENTITIES.campSouth.id;

let database: Database;
let server: TestServer;
let fetch: FetchLike;
let time: FakeTime;
const devices: Device[] = [];

beforeAll(async () => {
  database = await testDatabases()[0]!.create();
  server = await createTestServer(database, { syncRequestsPerMinute: 100_000 });
  const api = server.api;
  const net = new ControlledNetwork({
    'GET /api/v1/health': api.health,
    'POST /api/v1/auth/login': api.login,
    'POST /api/v1/sync/batch': api.syncPush,
    'GET /api/v1/sync/pull': api.syncPull,
  });
  // The test network reads whole bodies; the event stream goes to its handler as it is.
  fetch = (input, init) =>
    new URL(input, 'http://fieldsync.test').pathname === '/api/v1/sync/events'
      ? api.syncEvents(new Request(new URL(input, 'http://fieldsync.test'), init))
      : net.fetch(input, init);
  time = new FakeTime(server.clock.now());
}, 120_000);

afterAll(async () => {
  for (const d of devices) await d.close();
  await server?.ctx.events.close();
  await database?.close();
});

async function device(label: string, user: 'ana' | 'ben' | 'cora', liveUpdates: boolean): Promise<Device> {
  const d = await Device.open(`${label}-${devices.length}`, fetch, time, { liveUpdates });
  devices.push(d);
  await d.login(`${user}@demo.fieldsync`, DEMO_PASSWORD);
  await idleAll([d]);
  return d;
}

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
