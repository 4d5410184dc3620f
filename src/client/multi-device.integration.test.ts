// Model-based property test: 2–3 devices (two users, one of them on two devices) edit
// overlapping records against the REAL server on PGlite, going offline and online at random,
// losing requests and responses after the server committed, meeting 503s, and reloading
// (a new engine on the same IndexedDB), or crashing mid-flight. When activity stops and everyone syncs:
//   - every device shows exactly the server's state (except its own rejected work),
//   - no outbox holds work (only rejected entries and what depends on them),
//   - every change that left a device is recorded once on the server, as applied, as a
//     conflict (with its log entry) or as rejected, and each record's version counts exactly
//     the changes applied to it (none applied twice).
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBatch } from '@/core/batching';
import { type Database, rows } from '@/server/db/database';
import { testDatabases } from '@/server/db/test-databases';
import { DEMO_ENTITIES, DEMO_PASSWORD } from '@/server/seed/demo';
import { type TestServer, createTestServer } from '@/server/test-server';
import type { OutboxEntry } from './db';
import { ControlledNetwork, type NetFault } from './testing/controlled-network';
import { Device, idleAll } from './testing/device';
import { FakeTime, settle } from './testing/fake-env';

const NUM_RUNS = Number(process.env.FIELDSYNC_MODEL_RUNS ?? 25);
const MAX_STEPS = 30;
const USERS = ['ana', 'ben', 'ana'] as const;
const UNASSIGNED = DEMO_ENTITIES.riverside.id;

type Step =
  | { t: 'create'; d: number; forbidden: boolean }
  | { t: 'response'; d: number; pick: number }
  | { t: 'update'; d: number; pick: number }
  | { t: 'delete'; d: number; pick: number }
  | { t: 'offline' | 'online' | 'reload' | 'crash' | 'sync'; d: number }
  | { t: 'fault'; fault: NetFault }
  | { t: 'wait'; ms: number };

const dev = fc.nat({ max: 2 });
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ t: fc.constant('create' as const), d: dev, forbidden: fc.nat({ max: 7 }).map((x) => x === 0) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('response' as const), d: dev, pick: fc.nat() }) },
  { weight: 6, arbitrary: fc.record({ t: fc.constant('update' as const), d: dev, pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('delete' as const), d: dev, pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('offline' as const), d: dev }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('online' as const), d: dev }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constantFrom('reload' as const, 'crash' as const), d: dev }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('sync' as const), d: dev }) },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('fault' as const),
      fault: fc.constantFrom<NetFault>({ kind: 'drop-request' }, { kind: 'drop-response' }, { kind: 'status', status: 503, retryAfter: 1 }, { kind: 'status', status: 429 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('wait' as const), ms: fc.constantFrom(500, 2_000, 10_000, 31_000) }) },
);

let database: Database;
let server: TestServer;
let net: ControlledNetwork;
let adminToken: string;
const userIds = new Map<string, string>();
let stepsRun = 0;
const outcomes = { completed: 0, conflict: 0, rejected: 0, reloads: 0, crashes: 0 };

beforeAll(async () => {
  database = await testDatabases()[0]!.create();
  server = await createTestServer(database, { syncRequestsPerMinute: 1_000_000 });
  const api = server.api;
  net = new ControlledNetwork({
    'GET /api/v1/health': api.health,
    'POST /api/v1/auth/login': api.login,
    'POST /api/v1/sync/batch': api.syncPush,
    'GET /api/v1/sync/pull': api.syncPull,
  });
  adminToken = await server.token('admin@demo.fieldsync');
  for (const u of ['ana', 'ben'])
    userIds.set(u, (await rows<{ id: string }>(database.db, sql`select id from users where email = ${`${u}@demo.fieldsync`}`))[0]!.id);
}, 120_000);

afterAll(async () => {
  await database?.close();
});

/** A fresh entity for this run, and the users assigned to it alone, so runs do not see each other. */
async function freshEntity(): Promise<string> {
  const auth = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
  const res = await server.api.adminCreateEntity(
    new Request('http://t/api/v1/admin/entities', { method: 'POST', headers: auth, body: JSON.stringify({ name: `Run ${Date.now()}`, kind: 'camp' }) }),
  );
  const { entity } = (await res.json()) as { entity: { id: string } };
  for (const id of userIds.values()) {
    const r = await server.api.adminReplaceAssignments(
      new Request(`http://t/api/v1/admin/users/${id}/assignments`, { method: 'PUT', headers: auth, body: JSON.stringify({ entityIds: [entity.id] }) }),
    );
    expect(r.status).toBe(200);
  }
  return entity.id;
}

async function visible(d: Device, entityId: string, type?: 'assessment') {
  const list = await d.engine.listRecords({ entityId, ...(type ? { type } : {}) });
  return list.sort((a, b) => a.id.localeCompare(b.id));
}

let currentStep = '';
/** A run that hangs fails (with the step it hung in) instead of stalling the suite. */
async function withDeadline(run: Promise<void>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`run hung at step ${currentStep}`)), ms);
  });
  try {
    await Promise.race([run, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

async function runScenario(deviceCount: number, steps: Step[]): Promise<void> {
  const entityId = await freshEntity();
  const time = new FakeTime(server.clock.now());
  net.faults.length = 0;
  const devices: Device[] = [];
  for (let i = 0; i < deviceCount; i++) {
    const d = await Device.open(`run-${Date.now()}-${i}`, net.fetch, time, { retentionMs: 365 * 24 * 3600 * 1000 });
    await d.login(`${USERS[i]}@demo.fieldsync`, DEMO_PASSWORD);
    devices.push(d);
  }
  await idleAll(devices);
  let n = 0;
  try {
    for (const s of steps) {
      stepsRun += 1;
      currentStep = JSON.stringify(s);
      if ('d' in s && s.d >= deviceCount) continue;
      const d = 'd' in s ? devices[s.d]! : undefined;
      switch (s.t) {
        case 'create':
          await d!.engine.create({ type: 'assessment', entityId: s.forbidden ? UNASSIGNED : entityId, data: { by: d!.label, n: ++n } });
          break;
        case 'response': {
          const as = await visible(d!, entityId, 'assessment');
          const a = as[s.pick % Math.max(1, as.length)];
          if (a) await d!.engine.create({ type: 'response', entityId, data: { assessmentId: a.id, by: d!.label, n: ++n } });
          break;
        }
        case 'update':
        case 'delete': {
          const list = await visible(d!, entityId);
          const r = list[s.pick % Math.max(1, list.length)];
          if (!r) break;
          if (s.t === 'delete') await d!.engine.remove(r.id);
          else await d!.engine.update(r.id, { ...r.data, by: d!.label, n: ++n });
          break;
        }
        case 'offline':
        case 'online':
          d!.env.net.emit(s.t);
          break;
        case 'reload':
          outcomes.reloads += 1;
          await d!.reload();
          break;
        case 'crash':
          outcomes.crashes += 1;
          await d!.crash();
          break;
        case 'sync':
          await d!.engine.syncNow();
          break;
        case 'fault':
          net.faults.push(s.fault);
          break;
        case 'wait':
          time.advance(s.ms);
          server.clock.advance(s.ms);
          await idleAll(devices);
          break;
      }
      await settle(2);
    }
    // Activity stops: the network heals, everyone comes online and syncs until nothing moves.
    currentStep = 'quiesce';
    net.faults.length = 0;
    await idleAll(devices);
    for (const d of devices) if (!d.env.net.online) d.env.net.emit('online');
    for (let round = 0; round < 3; round++) {
      for (const d of devices) await d.engine.syncNow();
      await idleAll(devices);
    }
    await check(devices, entityId);
  } finally {
    for (const d of devices) await d.close();
  }
}

interface ServerRow { id: string; version: number; data: Record<string, unknown>; deleted: boolean }
interface LogRow { change_id: string; record_id: string | null; result: { status: string; resolution?: string } }

async function check(devices: Device[], entityId: string): Promise<void> {
  const serverRows = await rows<ServerRow>(database.db, sql`select id, version, data, deleted from records where entity_id = ${entityId}`);
  const serverById = new Map(serverRows.map((r) => [r.id, r]));
  const entries: OutboxEntry[] = [];
  for (const d of devices) {
    const outbox = await d.engine.listOutbox();
    entries.push(...outbox);
    // no outbox still holds work: nothing sendable, nothing failed or in flight
    expect(outbox.filter((e) => e.status === 'failed' || e.status === 'syncing')).toEqual([]);
    const unsettled = outbox.filter((e) => e.status === 'pending' || e.status === 'rejected');
    expect(selectBatch(unsettled.map((e) => ({ ...e, bytes: 1 })))).toEqual([]);
    // the device shows the server's state, except records with its own rejected work
    const withUnsynced = new Set(unsettled.map((e) => e.recordId));
    const local = await d.engine.listRecords({ entityId, includeDeleted: true });
    for (const r of local) {
      if (withUnsynced.has(r.id)) continue;
      const s = serverById.get(r.id);
      expect(s, `${d.label} has ${r.id} that the server does not`).toBeDefined();
      expect({ version: r.version, data: r.data, deleted: r.deleted }).toEqual({ version: s!.version, data: s!.data, deleted: s!.deleted });
    }
    const localIds = new Set(local.map((r) => r.id));
    for (const s of serverRows) if (!withUnsynced.has(s.id)) expect(localIds.has(s.id), `${d.label} lacks ${s.id}`).toBe(true);
  }
  // every change that left a device is recorded once, with the outcome the device shows
  const sent = entries.filter((e) => e.status === 'completed' || e.status === 'conflict' || (e.status === 'rejected' && e.sent));
  const log = await rows<LogRow>(database.db, sql`select change_id, record_id, result from sync_changes where change_id = any(${sql.raw(`array[${sent.map((e) => `'${e.changeId}'`).join(',') || "'00000000-0000-0000-0000-000000000000'"}]::uuid[]`)})`);
  const byChange = new Map(log.map((l) => [l.change_id, l.result]));
  const conflictRows = await rows<{ change_id: string }>(database.db, sql`select change_id from sync_conflicts where entity_id = ${entityId}`);
  const conflictLogged = new Set(conflictRows.map((c) => c.change_id));
  for (const e of sent) {
    outcomes[e.status as 'completed' | 'conflict' | 'rejected'] += 1;
    const r = byChange.get(e.changeId);
    expect(r, `change ${e.changeId} (${e.status}) unknown to the server`).toBeDefined();
    if (e.status === 'completed') expect(r!.status).toBe('success');
    if (e.status === 'rejected') expect(r!.status).toBe('failed');
    if (e.status === 'conflict') {
      expect(r).toMatchObject({ status: 'conflict', resolution: e.winner === 'client' ? 'client_wins' : 'server_wins' });
      expect(conflictLogged.has(e.changeId)).toBe(true);
    }
  }
  // and nothing the server recorded from these devices is unknown to them (no ghost re-sends)
  const ids = devices.map((d) => d.engine.deviceId);
  const recorded = await rows<{ change_id: string }>(database.db, sql`select change_id from sync_changes where device_id in ${sql.raw(`(${ids.map((i) => `'${i}'`).join(',')})`)}`);
  const known = new Set(entries.map((e) => e.changeId));
  expect(recorded.filter((r) => !known.has(r.change_id))).toEqual([]);
  // last write wins, and the latest write is never lost: each record holds the change with the greatest stamp
  const serverHlc = new Map((await rows<{ id: string; hlc: string }>(database.db, sql`select id, hlc from records where entity_id = ${entityId}`)).map((r) => [r.id, r.hlc]));
  for (const s of serverRows) {
    const settled = entries.filter((e) => e.recordId === s.id && (e.status === 'completed' || e.status === 'conflict'));
    const latest = settled.sort((a, b) => (a.hlc < b.hlc ? 1 : -1))[0];
    if (!latest) continue;
    expect(serverHlc.get(s.id), `stamp of ${s.id}`).toBe(latest.hlc);
    expect(s.deleted).toBe(latest.action === 'delete');
    if (latest.action !== 'delete') expect(s.data).toEqual(latest.data);
  }
  // each record's version counts exactly the changes applied to it: none applied twice
  const applied = await rows<{ record_id: string; n: number }>(
    database.db,
    sql`select record_id, count(*)::int as n from sync_changes
        where result->>'status' = 'success' or result->>'resolution' = 'client_wins' group by record_id`,
  );
  const appliedBy = new Map(applied.map((a) => [a.record_id, a.n]));
  for (const s of serverRows) expect(s.version, `version of ${s.id}`).toBe(appliedBy.get(s.id) ?? 0);
}

describe('several devices against the real server (model-based)', () => {
  it(
    'converge, apply every change exactly once (or log it as a conflict, or reject it), and leave no work behind',
    async () => {
      const started = Date.now();
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 2, max: 3 }), fc.array(stepArb, { minLength: 10, maxLength: MAX_STEPS }), (n, steps) =>
          withDeadline(runScenario(n, steps), 30_000),
        ),
        { numRuns: NUM_RUNS, endOnFailure: true },
      );
      const faults = net.log.filter((e) => e.outcome !== 'ok').length;
      console.log(
        `multi-device model: ${NUM_RUNS} runs, ${stepsRun} steps, ${Date.now() - started} ms; ` +
          `changes ${JSON.stringify(outcomes)}, network faults hit ${faults} of ${net.log.length} requests`,
      );
    },
    300_000,
  );
});
