// Model-based property test: 2–3 devices (two users, one of them on two devices) edit
// overlapping records against the REAL server on PGlite, going offline and online at random,
// losing requests and responses after the server committed, meeting 503s, and reloading
// (a new engine on the same IndexedDB), or crashing mid-flight. One step at a time, in process.
// When activity stops and everyone syncs, the end state holds (testing/model-check.ts):
//   - every device shows exactly the server's state (except its own rejected work),
//   - no outbox holds work (only rejected entries and what depends on them),
//   - every change that left a device is recorded once on the server, as applied, as a
//     conflict (with its log entry) or as rejected, and each record's version counts exactly
//     the changes applied to it (none applied twice).
// The same model runs over HTTP, on PostgreSQL, with concurrent steps: multi-device-http.integration.test.ts.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type Database, rows } from '@/server/db/database';
import { testDatabases } from '@/server/db/test-databases';
import { DEMO_ENTITIES, DEMO_PASSWORD } from '@/server/seed/demo';
import { type TestServer, createTestServer } from '@/server/test-server';
import { ControlledNetwork, type NetFault } from './testing/controlled-network';
import { Device, idleAll } from './testing/device';
import { FakeTime, settle } from './testing/fake-env';
import { type AdminCall, type Query, checkConverged, freshEntity, modelParams, userIdsOf, withDeadline } from './testing/model-check';
import { type ModelStep, ModelStats, type ModelWorld, applyStep, modelStepArbs, netFaultArb, quiesce } from './testing/model-steps';

const { seed, numRuns: NUM_RUNS, ...replay } = modelParams(25);
const MAX_STEPS = 30;
const USERS = ['ana', 'ben', 'ana'] as const;
const UNASSIGNED = DEMO_ENTITIES.riverside.id;

const stepArb = fc.oneof(...modelStepArbs(netFaultArb));

let database: Database;
let server: TestServer;
let net: ControlledNetwork;
let query: Query;
let admin: AdminCall;
let userIds: string[];
const stats = new ModelStats();

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
  const adminToken = await server.token('admin@demo.fieldsync');
  admin = (method, path, body) => {
    const request = new Request(`http://t${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return method === 'POST' ? api.adminCreateEntity(request) : api.adminReplaceAssignments(request);
  };
  query = (q) => rows(database.db, q);
  userIds = await userIdsOf(query, ['ana@demo.fieldsync', 'ben@demo.fieldsync']);
}, 120_000);

afterAll(async () => {
  await database?.close();
});

let currentStep = '';

async function runScenario(deviceCount: number, steps: ModelStep[]): Promise<void> {
  const entityId = await freshEntity(admin, userIds);
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
  const world: ModelWorld<NetFault> = {
    devices,
    entityId,
    forbiddenEntityId: UNASSIGNED,
    stats,
    next: () => ++n,
    fault: (f) => void net.faults.push(f),
    sync: (d) => d.engine.syncNow(),
    wait: async (ms) => {
      time.advance(ms);
      server.clock.advance(ms);
      await idleAll(devices);
    },
  };
  try {
    for (const s of steps) {
      stats.steps += 1;
      currentStep = JSON.stringify(s);
      if ('d' in s && s.d >= deviceCount) continue;
      await applyStep(world, s);
      await settle(2);
    }
    currentStep = 'quiesce';
    net.faults.length = 0;
    await quiesce(devices);
    await checkConverged(query, devices, entityId, stats);
  } finally {
    for (const d of devices) await d.close();
  }
}

describe('several devices against the real server (model-based)', () => {
  it(
    'converge, apply every change exactly once (or log it as a conflict, or reject it), and leave no work behind',
    async () => {
      console.log(`multi-device model: seed ${seed} (FIELDSYNC_MODEL_SEED=${seed} replays it), ${NUM_RUNS} runs`);
      const started = Date.now();
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 2, max: 3 }), fc.array(stepArb, { minLength: 10, maxLength: MAX_STEPS }), (n, steps) =>
          withDeadline(runScenario(n, steps), 30_000, () => currentStep),
        ),
        { seed, numRuns: NUM_RUNS, endOnFailure: true, ...replay },
      );
      const faults = net.log.filter((e) => e.outcome !== 'ok').length;
      console.log(
        `multi-device model: ${NUM_RUNS} runs, ${stats.steps} steps, ${Date.now() - started} ms; ` +
          `changes ${stats.changes()}, network faults hit ${faults} of ${net.log.length} requests`,
      );
    },
    300_000,
  );
});
