// Several instances behave as one: three real API server processes on one
// fresh PostgreSQL database behind a round-robin proxy, with devices running the real sync
// engine (fake IndexedDB, real timers) through it. Every change is applied once, every device
// ends with the server's state, limits hold for the deployment, live updates cross instances,
// and an instance stopped with SIGTERM while devices push loses nothing and strands no one.
// Needs PostgreSQL (TEST_DATABASE_URL): without it the suite does not run, and says so.
/* eslint-disable no-restricted-imports -- this suite drives the real device engine against the real servers, as the client's integration tests do */
import http from 'node:http';
import { v7 as uuidv7 } from 'uuid';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hlcString, initialHlc, tickHlc } from '@/core/hlc';
import { SyncEngine } from '@/client/engine';
import { systemClock, systemTimers } from '@/client/env';
import { FakeConnectivity, FakeLocks, FakeStorage, IDBFactory, fakeDb } from '@/client/testing/fake-env';
/* eslint-enable no-restricted-imports */
import { DEMO_ENTITIES, DEMO_PASSWORD } from '../seed/demo';
import { type HostileServer, createPostgresDatabase, loginAs, startHostileServer } from './harness';
import { type RoundRobinProxy, startRoundRobinProxy } from './round-robin-proxy';

const DATABASE = process.env.TEST_DATABASE_URL;
if (!DATABASE) console.warn('\n!!! hostile suite "several instances": TEST_DATABASE_URL is unset, it needs PostgreSQL and DID NOT RUN !!!\n');

const ENTITY = DEMO_ENTITIES.campSouth.id;
/** Requests per client address without a login (health, login) in any minute, for the whole deployment. */
const ADDRESS_BUDGET = 40;
/** Failed logins per account the deployment allows (the default). */
const LOGIN_FAILURES = 10;
const env = {
  FIELDSYNC_TRUST_PROXY: '1',
  FIELDSYNC_ADDRESS_RATE_PER_MINUTE: String(ADDRESS_BUDGET),
  FIELDSYNC_ADDRESS_BURST: String(ADDRESS_BUDGET),
};

let db: { url: string; drop(): Promise<void> } | undefined;
let sql: pg.Pool;
const instances: HostileServer[] = [];
let proxy: RoundRobinProxy;

// ── a device: the real engine on its own fake IndexedDB, with real time, through `baseUrl` ──

interface LiveDevice {
  readonly engine: SyncEngine;
  close(): Promise<void>;
}

async function openDevice(label: string, email: string, baseUrl: string): Promise<LiveDevice> {
  const engine = await SyncEngine.open({
    baseUrl,
    db: fakeDb(`fieldsync-${label}-${uuidv7()}`, new IDBFactory()),
    env: {
      clock: systemClock,
      timers: systemTimers,
      random: Math.random,
      fetch: (input, init) => fetch(input, init),
      connectivity: new FakeConnectivity(),
      locks: new FakeLocks(),
      storage: new FakeStorage(),
    },
    // Quick retries and look-ups, so a device that met a failure comes back within the test.
    periodicMs: 1_000,
    backoff: { baseMs: 200, maxMs: 2_000, factor: 2 },
  });
  engine.start();
  await engine.whenLeader();
  const { token } = await engine.transport.login(email, DEMO_PASSWORD);
  await engine.setToken(token);
  return {
    engine,
    close: async () => {
      await engine.stop();
      engine.db.close();
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A device's edits: new records, and updates of any it sees (its own and, once pulled, others'). */
async function edit(d: LiveDevice, label: string, steps: number): Promise<void> {
  for (let i = 0; i < steps; i++) {
    const visible = await d.engine.listRecords({ entityId: ENTITY });
    const target = visible[Math.floor(Math.random() * visible.length)];
    if (i % 3 === 0 || !target) await d.engine.create({ type: 'assessment', entityId: ENTITY, data: { by: label, n: i } });
    else await d.engine.update(target.id, { ...target.data, by: label, n: i });
    await sleep(10 + Math.random() * 40);
  }
}

/** Waits until no device holds work (nothing pending, in flight or failed); they sync by themselves. */
async function drained(devices: readonly LiveDevice[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = (await Promise.all(devices.map((d) => d.engine.listOutbox()))).flat().filter((e) => ['pending', 'syncing', 'failed'].includes(e.status));
    if (left.length === 0) return;
    if (Date.now() > deadline) throw new Error(`devices still hold ${left.length} changes after ${timeoutMs} ms: ${JSON.stringify(left.slice(0, 3))}`);
    await sleep(200);
  }
}

/** Every device syncs until it has pulled everyone's last changes. */
async function syncAll(devices: readonly LiveDevice[]): Promise<void> {
  for (let round = 0; round < 2; round++) {
    for (const d of devices) await d.engine.syncNow();
    for (const d of devices) await d.engine.whenIdle();
  }
}

interface ServerRecord { id: string; version: number; data: Record<string, unknown>; deleted: boolean }

/**
 * The database and the devices agree: each change that left a device is in the idempotency log
 * once with the outcome the device shows, nothing unknown to them is, each record's version
 * counts exactly the changes applied to it, and every device shows the server's records.
 */
async function expectOneTruth(devices: readonly LiveDevice[]): Promise<{ changes: number; conflicts: number }> {
  const entries = (await Promise.all(devices.map((d) => d.engine.listOutbox()))).flat();
  expect(entries.filter((e) => e.status !== 'completed' && e.status !== 'conflict')).toEqual([]);
  const ids = devices.map((d) => d.engine.deviceId);
  const log = (await sql.query<{ change_id: string; result: { status: string } }>('select change_id, result from sync_changes where device_id = any($1)', [ids])).rows;
  const logged = new Map(log.map((l) => [l.change_id, l.result.status]));
  for (const e of entries) expect(logged.get(e.changeId), `change ${e.changeId} (${e.status})`).toBe(e.status === 'completed' ? 'success' : 'conflict');
  expect(log.length).toBe(entries.length);

  const records = (await sql.query<ServerRecord>('select id, version, data, deleted from records where entity_id = $1', [ENTITY])).rows;
  const applied = new Map(
    (
      await sql.query<{ record_id: string; n: number }>(
        `select record_id, count(*)::int as n from sync_changes
         where result->>'status' = 'success' or result->>'resolution' = 'client_wins' group by record_id`,
      )
    ).rows.map((a) => [a.record_id, a.n]),
  );
  for (const r of records) expect(r.version, `version of ${r.id}`).toBe(applied.get(r.id) ?? 0);

  const server = new Map(records.map((r) => [r.id, { version: r.version, data: r.data, deleted: r.deleted }]));
  for (const d of devices) {
    const local = await d.engine.listRecords({ entityId: ENTITY, includeDeleted: true });
    expect(new Map(local.map((r) => [r.id, { version: r.version, data: r.data, deleted: r.deleted }]))).toEqual(server);
  }
  return { changes: entries.length, conflicts: entries.filter((e) => e.status === 'conflict').length };
}

/** A request from a given local address (127.0.0.0/8 is all loopback), so a test has its own client address. */
function statusFrom(localAddress: string, url: string, init: { method?: string; body?: string } = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: init.method ?? 'GET', localAddress, agent: false, headers: init.body ? { 'content-type': 'application/json' } : {} }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

describe.runIf(DATABASE)('three instances on one PostgreSQL behind a round-robin proxy', () => {
  beforeAll(async () => {
    db = await createPostgresDatabase();
    sql = new pg.Pool({ connectionString: db.url, max: 2 });
    // The first migrates and seeds; the others start on the ready database, together.
    instances.push(await startHostileServer({ database: 'postgres', databaseUrl: db.url, env }));
    instances.push(...(await Promise.all([1, 2].map(() => startHostileServer({ database: 'postgres', databaseUrl: db!.url, env })))));
    proxy = await startRoundRobinProxy(instances.map((i) => i.url));
  }, 90_000);

  afterAll(async () => {
    await proxy?.close();
    await Promise.all(instances.map((i) => i.stop()));
    await sql?.end();
    await db?.drop();
  });

  it('applies every change once and brings every device to the server state, whichever instance took each request', async () => {
    const before = [...proxy.served];
    const users = ['ana', 'ben', 'ana', 'ben', 'cora', 'cora'];
    const devices = await Promise.all(users.map((u, i) => openDevice(`converge-${i}`, `${u}@demo.fieldsync`, proxy.url)));
    try {
      await Promise.all(devices.map((d, i) => edit(d, `device-${i}`, 12)));
      await drained(devices, 30_000);
      await syncAll(devices);
      const { changes } = await expectOneTruth(devices);
      // Edits of a record still waiting to be sent are merged into one change; creates never are.
      expect(changes).toBeGreaterThanOrEqual(6 * 4);
      // The requests were spread over all three.
      for (const [i, n] of proxy.served.entries()) expect(n - before[i]!, `requests instance ${i} answered`).toBeGreaterThan(5);
    } finally {
      await Promise.all(devices.map((d) => d.close()));
    }
  }, 60_000);

  it('holds the login and request limits for the deployment, not per instance', async () => {
    const before = [...proxy.served];
    // Failed logins for one account, one after another over the three instances: the deployment's 10, then 429.
    const logins: number[] = [];
    for (let i = 0; i < LOGIN_FAILURES + 5; i++)
      logins.push(await statusFrom('127.0.0.8', `${proxy.url}/api/v1/auth/login`, { method: 'POST', body: JSON.stringify({ email: 'nobody@example.test', password: `guess-${i}` }) }));
    expect(logins).toEqual([...Array<number>(LOGIN_FAILURES).fill(401), ...Array<number>(5).fill(429)]);

    // Requests without a login from one address, all at once over the three instances: the deployment's budget, then 429.
    const started = performance.now();
    const health = await Promise.all(Array.from({ length: ADDRESS_BUDGET + 20 }, () => statusFrom('127.0.0.7', `${proxy.url}/api/v1/health`)));
    // The budget refills by one every 60 s / ADDRESS_BUDGET; a slow machine may see a few come back.
    const refilled = Math.ceil((performance.now() - started) / (60_000 / ADDRESS_BUDGET));
    const admitted = health.filter((s) => s === 200).length;
    expect(admitted).toBeGreaterThanOrEqual(ADDRESS_BUDGET);
    expect(admitted).toBeLessThanOrEqual(ADDRESS_BUDGET + refilled);
    expect(health.filter((s) => s !== 200).every((s) => s === 429)).toBe(true);
    // Each instance took a third of them: one instance alone would have admitted them all.
    expect(proxy.served.map((n, i) => n - before[i]!)).toEqual(Array(3).fill((LOGIN_FAILURES + 5 + ADDRESS_BUDGET + 20) / 3));
  });

  it('sends a live update on a stream held on one instance for a commit made through another', async () => {
    const ben = await loginAs(instances[0]!.url, 'ben@demo.fieldsync');
    const ana = await loginAs(instances[1]!.url, 'ana@demo.fieldsync');
    const stream = new AbortController();
    const res = await fetch(`${instances[0]!.url}/api/v1/sync/events`, { headers: { authorization: `Bearer ${ben}` }, signal: stream.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffered = '';
    /** Resolves with the next `changes` event naming ENTITY. */
    const nextChange = async (): Promise<void> => {
      for (;;) {
        const end = buffered.indexOf('\n\n');
        if (end >= 0) {
          const event = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          if (/^event: changes$/m.test(event) && event.includes(ENTITY)) return;
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('the event stream ended');
        buffered += value;
      }
    };
    let clock = initialHlc('live-test');
    const delays: number[] = [];
    try {
      for (let i = 0; i < 10; i++) {
        clock = tickHlc(clock, Date.now());
        const change = { changeId: uuidv7(), type: 'assessment', action: 'create', recordId: uuidv7(), entityId: ENTITY, baseVersion: 0, hlc: hlcString(clock), data: { live: i } };
        const arrived = nextChange();
        const t0 = performance.now();
        const push = await fetch(`${instances[1 + (i % 2)]!.url}/api/v1/sync/batch`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ana}`, 'content-type': 'application/json' },
          body: JSON.stringify({ deviceId: 'live-test', changes: [change] }),
        });
        expect(push.status).toBe(200);
        await push.arrayBuffer();
        await Promise.race([arrived, sleep(5_000).then(() => Promise.reject(new Error(`no live update within 5 s of commit ${i}`)))]);
        delays.push(performance.now() - t0);
      }
    } finally {
      stream.abort();
    }
    delays.sort((a, b) => a - b);
    const p95 = delays[Math.ceil(delays.length * 0.95) - 1]!;
    console.log(`live updates across instances: p50 ${Math.round(delays[delays.length >> 1]!)} ms, p95 ${Math.round(p95)} ms over ${delays.length} commits`);
    expect(p95).toBeLessThanOrEqual(1_000);
  });

  it('loses nothing and applies nothing twice when an instance is stopped with SIGTERM while devices push', async () => {
    const users = ['ana', 'ben', 'cora', 'ana'];
    const devices = await Promise.all(users.map((u, i) => openDevice(`sigterm-${i}`, `${u}@demo.fieldsync`, proxy.url)));
    const victim = instances[2]!;
    const servedBefore = proxy.served[2]!;
    try {
      const editing = Promise.all(devices.map((d, i) => edit(d, `sigterm-${i}`, 30)));
      await sleep(400);
      const stopped = victim.stop();
      await editing;
      await stopped;
      expect(victim.alive()).toBe(false);
      expect(proxy.served[2]! - servedBefore, 'requests the stopped instance answered').toBeGreaterThan(0);
      await drained(devices, 30_000);
      await syncAll(devices);
      await expectOneTruth(devices);
    } finally {
      await Promise.all(devices.map((d) => d.close()));
    }
  }, 60_000);
});
