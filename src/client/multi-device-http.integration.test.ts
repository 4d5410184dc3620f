// The multi-device model test (testing/model-steps.ts) where the risky paths are: two server
// instances (the real API handlers behind the real Node http server, each with its own pool and
// a clock a little apart) on one fresh PostgreSQL database, reached over real sockets through a
// proxy (testing/fault-proxy.ts) that spreads the devices' requests over both (each device pinned
// to one and moved at random, or every request to the next in turn) and cuts connections before
// the request, after the server committed, or halfway through the answer, delays a request or
// holds it to reach a server together with the next, or answers 503 with Retry-After. Steps do
// not wait for sync runs: several devices push and pull at once while others write, reload or
// crash. The end state is checked as in the in-process test (testing/model-check.ts). The seed is
// printed; FIELDSYNC_MODEL_SEED (and FIELDSYNC_MODEL_PATH) replays a run's steps, not its timing,
// so a failure also prints what the run did; FIELDSYNC_MODEL_RUNS asks for more runs.
// Needs PostgreSQL (TEST_DATABASE_URL): without it the suite does not run, and says so.
import type { ServerResponse } from 'node:http';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '@/server/api';
import { manualClock } from '@/server/clock';
import { type ServerContext, createContext } from '@/server/context';
import { type Database, openDatabase, rows } from '@/server/db/database';
import { testDatabases } from '@/server/db/test-databases';
import { createHttpServer } from '@/server/node/http-server';
import { type Listening, listen } from '@/server/node/http-test-kit';
import { DEMO_ENTITIES, DEMO_PASSWORD } from '@/server/seed/demo';
import { type TestServer, createTestServer } from '@/server/test-server';
import type { SyncEngine } from './engine';
import { Device, idleAll } from './testing/device';
import { FakeTime, settle } from './testing/fake-env';
import { FaultProxy, type ProxyEvent, type ProxyFault, type Routing } from './testing/fault-proxy';
import { type AdminCall, type Query, checkConverged, freshEntity, modelParams, userIdsOf, withDeadline } from './testing/model-check';
import { type ModelStep, ModelStats, type ModelWorld, applyStep, modelStepArbs, quiesce } from './testing/model-steps';

const DATABASE = process.env.TEST_DATABASE_URL;
if (!DATABASE) console.warn('\n!!! multi-device model over HTTP: TEST_DATABASE_URL is unset, it needs PostgreSQL and DID NOT RUN !!!\n');

const { seed, numRuns: NUM_RUNS, ...replay } = modelParams(12);
const MIN_STEPS = 25;
const MAX_STEPS = 60;
const USERS = ['ana', 'ben', 'ana'] as const;
const UNASSIGNED = DEMO_ENTITIES.riverside.id;
/** The second instance's clock runs this far behind the first's, as NTP leaves servers apart. */
const SKEW_MS = -250;

type Step =
  | ModelStep<ProxyFault>
  // the device's balancer moves it to the other instance
  | { t: 'switch'; d: number }
  // every device syncs at once
  | { t: 'together' }
  // real time passes, so that requests in flight land between steps
  | { t: 'pause'; ms: number };

const faultArb = fc.constantFrom<ProxyFault>(
  { kind: 'drop-request' },
  { kind: 'drop-response' },
  { kind: 'cut-response' },
  { kind: 'status', status: 503, retryAfter: 1 },
  { kind: 'status', status: 429 },
  { kind: 'delay', ms: 40 },
  { kind: 'pair', ms: 200 },
);
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  ...modelStepArbs(faultArb),
  { weight: 2, arbitrary: fc.record({ t: fc.constant('switch' as const), d: fc.nat({ max: 2 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('together' as const) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('pause' as const), ms: fc.constantFrom(0, 5, 20, 60) }) },
);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Instance {
  readonly url: string;
  readonly clock: ReturnType<typeof manualClock>;
  close(): Promise<void>;
}

/** The real Node http server around an instance's API handlers, on a free port of 127.0.0.1. */
async function serve(ctx: ServerContext, clock: ReturnType<typeof manualClock>, after: () => Promise<void>): Promise<Instance> {
  const api = createApi(ctx);
  const notNext = (_req: unknown, res: ServerResponse) => {
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'NOT_FOUND', message: 'API only' } }));
    return Promise.resolve();
  };
  const http: Listening = await listen(createHttpServer({ api: (name) => api[name], next: notNext, log: ctx.log }));
  return {
    url: http.url,
    clock,
    close: async () => {
      await http.close();
      await after();
    },
  };
}

describe.runIf(DATABASE)('several devices against two server instances on PostgreSQL, over HTTP (model-based)', () => {
  let database: Database;
  let second: Database | undefined;
  let server: TestServer;
  const instances: Instance[] = [];
  let proxy: FaultProxy;
  let query: Query;
  let admin: AdminCall;
  let userIds: string[];
  const stats = new ModelStats();

  beforeAll(async () => {
    database = await testDatabases().find((f) => f.name === 'postgres')!.create();
    server = await createTestServer(database, { syncRequestsPerMinute: 1_000_000 });
    const [d] = await rows<{ name: string }>(database.db, sql`select current_database() as name`);
    const url = new URL(DATABASE!);
    url.pathname = `/${d!.name}`;
    second = await openDatabase({ url: url.toString(), poolSize: 10 });
    const clock = manualClock(server.clock.now() + SKEW_MS);
    // Same configuration (secret, limits): two instances of one deployment.
    const ctx = await createContext({ database: second, config: server.ctx.config, clock });
    instances.push(await serve(server.ctx, server.clock, () => server.ctx.limits.close()));
    instances.push(await serve(ctx, clock, () => ctx.limits.close()));
    proxy = await FaultProxy.start(instances.map((i) => i.url));
    const adminToken = await server.token('admin@demo.fieldsync');
    admin = (method, path, body) =>
      fetch(`${instances[0]!.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    query = (q) => rows(database.db, q);
    userIds = await userIdsOf(query, ['ana@demo.fieldsync', 'ben@demo.fieldsync']);
  }, 120_000);

  afterAll(async () => {
    await proxy?.close();
    for (const i of instances) await i.close();
    await second?.close();
    await database?.close();
  });

  let currentStep = '';
  let heldBack = 0;

  /** The server's rows, each device's records and outbox, and the run's requests, for a failed run. */
  async function explain(entityId: string, devices: readonly Device[], wire: readonly ProxyEvent[]): Promise<string> {
    const lines = ['multi-device model over HTTP, the failed run:'];
    const [snap] = await query<{ xmin: string }>(sql`select pg_snapshot_xmin(pg_current_snapshot())::text as xmin`);
    lines.push(`server (xmin ${snap!.xmin}):`);
    const server = await query<Record<string, unknown>>(
      sql`select id, type, version, deleted, device_id, txid::text, seq, hlc from records where entity_id = ${entityId} order by txid, seq`,
    );
    for (const r of server) lines.push(`  ${JSON.stringify(r)}`);
    for (const d of devices) {
      const local = await d.engine.listRecords({ entityId, includeDeleted: true });
      lines.push(`${d.label} (${d.engine.deviceId}): ${JSON.stringify(local.map((r) => [r.id, r.version, r.deleted]))}`);
      for (const o of await d.engine.listOutbox()) lines.push(`  outbox ${o.changeId} ${o.action} ${o.recordId} ${o.status}`);
    }
    lines.push('requests (device, instance, path, outcome, status):');
    for (const w of wire) lines.push(`  ${w.device} ${w.instance ?? '-'} ${w.path} ${w.outcome} ${w.status ?? ''}`);
    return lines.join('\n');
  }

  /** Waits until pulls serve every row of the entity (no transaction older than them is open); false after `ms`. */
  async function feedServes(entityId: string, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    let waited = false;
    for (;;) {
      const [r] = await query<{ served: boolean }>(
        sql`select coalesce(max(txid::text::bigint), 0) < pg_snapshot_xmin(pg_current_snapshot())::text::bigint as served from records where entity_id = ${entityId}`,
      );
      if (r!.served) {
        if (waited) heldBack += 1;
        return true;
      }
      if (Date.now() > deadline) return false;
      waited = true;
      await sleep(50);
    }
  }

  async function runScenario(routing: Routing, deviceCount: number, steps: Step[]): Promise<void> {
    const entityId = await freshEntity(admin, userIds);
    const time = new FakeTime(server.clock.now());
    proxy.faults.length = 0;
    const logStart = proxy.log.length;
    proxy.routing = routing;
    const devices: Device[] = [];
    for (let i = 0; i < deviceCount; i++) {
      proxy.pin(i, i);
      const d = await Device.open(`http-${Date.now()}-${i}`, (input, init) => fetch(input, init), time, {
        baseUrl: proxy.deviceUrl(i),
        retentionMs: 365 * 24 * 3600 * 1000,
      });
      await d.login(`${USERS[i]}@demo.fieldsync`, DEMO_PASSWORD);
      devices.push(d);
    }
    await idleAll(devices);
    // Sync runs started by steps, left in flight; a run of an engine since reloaded or crashed may fail.
    const running: Array<Promise<void>> = [];
    const failures: Array<{ engine: SyncEngine; error: unknown }> = [];
    const sync = (d: Device) => {
      const engine = d.engine;
      running.push(engine.syncNow().catch((error: unknown) => void failures.push({ engine, error })));
      return Promise.resolve();
    };
    let n = 0;
    const world: ModelWorld<ProxyFault> = {
      devices,
      entityId,
      forbiddenEntityId: UNASSIGNED,
      stats,
      next: () => ++n,
      fault: (f) => void proxy.faults.push(f),
      sync,
      wait: (ms) => {
        time.advance(ms);
        for (const i of instances) i.clock.advance(ms);
        return Promise.resolve();
      },
    };
    try {
      for (const s of steps) {
        stats.steps += 1;
        currentStep = JSON.stringify(s);
        if ('d' in s && s.d >= deviceCount) continue;
        if (s.t === 'switch') proxy.switch(s.d);
        else if (s.t === 'together') for (const d of devices) await sync(d);
        else if (s.t === 'pause') await sleep(s.ms);
        else await applyStep(world, s);
        await settle(2);
      }
      currentStep = 'quiesce';
      proxy.faults.length = 0;
      await Promise.all(running);
      const current = failures.filter((f) => devices.some((d) => d.engine === f.engine));
      expect(current.map((f) => String(f.error)), 'sync runs of live engines that failed').toEqual([]);
      await quiesce(devices);
      // The feed serves a row once every transaction older than it has ended, in any database of
      // the cluster (pull-feed.ts): a long one elsewhere (another test's migrations) holds it back.
      if (!(await feedServes(entityId, 30_000))) throw new Error('the feed stayed held back by an open transaction for 30 s');
      for (const d of devices) await d.engine.syncNow();
      await idleAll(devices);
      try {
        await checkConverged(query, devices, entityId, stats);
      } catch (e) {
        // Timing does not replay with the seed: what the run did is all there is to go on.
        console.error(await explain(entityId, devices, proxy.log.slice(logStart)));
        throw e;
      }
    } finally {
      for (const d of devices) await d.close();
    }
  }

  it(
    'converge, apply every change exactly once (or log it as a conflict, or reject it), and leave no work behind',
    async () => {
      console.log(`multi-device model over HTTP: seed ${seed} (FIELDSYNC_MODEL_SEED=${seed} replays its steps), ${NUM_RUNS} runs`);
      const started = Date.now();
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom<Routing>('pinned', 'round-robin'),
          fc.integer({ min: 2, max: 3 }),
          fc.array(stepArb, { minLength: MIN_STEPS, maxLength: MAX_STEPS }),
          (routing, n, steps) => withDeadline(runScenario(routing, n, steps), 60_000, () => currentStep),
        ),
        { seed, numRuns: NUM_RUNS, endOnFailure: true, ...replay },
      );
      const faults = proxy.log.filter((e) => e.outcome !== 'ok').length;
      console.log(
        `multi-device model over HTTP: ${NUM_RUNS} runs, ${stats.steps} steps, ${Date.now() - started} ms; changes ${stats.changes()}; ` +
          `requests per instance ${JSON.stringify(proxy.served)}, at most ${proxy.maxInFlight} at once, ${proxy.overlapped} beside another; faults hit ${faults} of ${proxy.log.length} requests; ` +
          `the feed was held back by another transaction at the end of ${heldBack} runs`,
      );
      // The test reached what it is for: both instances served, and requests overlapped.
      expect(proxy.served.every((s) => s > 0)).toBe(true);
      expect(proxy.maxInFlight).toBeGreaterThanOrEqual(2);
    },
    Math.max(300_000, NUM_RUNS * 20_000),
  );
});
