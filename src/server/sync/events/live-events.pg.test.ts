// Live updates across instances: two real API server processes (hostile/harness.ts) on one
// PostgreSQL database. A device's stream on one instance hears of another device's commits made
// through the other, each one, with the delay from sending the push to the event measured: its
// p95 must be within PROTOCOL's 1 s (printed, so a slow machine shows how close it came). Also,
// through the real Node server: 401 without a token, 429 past the per-user bound, a lost LISTEN
// connection reopened (and the streams told to pull everything), and SIGTERM ending the streams
// so the instance exits.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ENTITIES } from '../../seed/demo';
import { type HostileServer, createPostgresDatabase, loginAs, startHostileServer } from '../../hostile/harness';
import { readEvents } from './test-events';

const COMMITS = 30;
/** PROTOCOL "Live updates": within 1 second of the commit. */
const P95_BOUND_MS = 1_000;

if (!process.env.TEST_DATABASE_URL)
  console.warn('\n!!! live updates across instances: TEST_DATABASE_URL is unset, this suite DID NOT RUN !!!\n');

describe.runIf(process.env.TEST_DATABASE_URL)('live updates across two instances on one PostgreSQL', () => {
  let db: { url: string; drop(): Promise<void> };
  let a: HostileServer;
  let b: HostileServer;
  beforeAll(async () => {
    db = await createPostgresDatabase();
    const env = { FIELDSYNC_EVENT_STREAMS_PER_USER: '2' };
    // One after the other: the first migrates and seeds the database.
    a = await startHostileServer({ database: 'postgres', databaseUrl: db.url, env });
    b = await startHostileServer({ database: 'postgres', databaseUrl: db.url, env });
  }, 150_000);
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await db?.drop();
  });

  const stream = (server: HostileServer, token?: string) =>
    fetch(`${server.url}/api/v1/sync/events`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it(`delivers each of ${COMMITS} commits made through one instance to a stream on the other, p95 within ${P95_BOUND_MS} ms`, async () => {
    const ana = await loginAs(a.url, 'ana@demo.fieldsync');
    const ben = await loginAs(b.url, 'ben@demo.fieldsync');
    const res = await stream(a, ana);
    expect(res.status).toBe(200);
    const events = readEvents(res);
    const south = DEMO_ENTITIES.campSouth.id;
    const delays: number[] = [];
    for (let i = 0; i < COMMITS; i++) {
      const sent = performance.now();
      const push = await fetch(`${b.url}/api/v1/sync/batch`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ben}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          deviceId: 'dev_ben',
          changes: [
            {
              changeId: randomUUID(),
              type: 'assessment',
              action: 'create',
              recordId: randomUUID(),
              entityId: south,
              baseVersion: 0,
              hlc: `${new Date().toISOString()}-${i.toString(16).padStart(4, '0')}-dev_ben`,
              data: { i },
            },
          ],
        }),
      });
      expect(push.status).toBe(200);
      await push.arrayBuffer();
      const event = await events.next('changes', 5_000);
      expect(event.data).toEqual({ entityIds: [south] });
      delays.push(event.at - sent);
    }
    delays.sort((x, y) => x - y);
    const p95 = delays[Math.ceil(0.95 * delays.length) - 1]!;
    console.log(`live updates across instances: ${COMMITS} commits, push sent → event p50 ${delays[delays.length >> 1]!.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${delays.at(-1)!.toFixed(1)} ms`);
    expect(p95).toBeLessThanOrEqual(P95_BOUND_MS);
    await events.cancel();
  }, 120_000);

  it('answers 401 without a token and 429 past the streams of one user, through the Node server', async () => {
    const noToken = await stream(b);
    expect(noToken.status).toBe(401);
    expect(await noToken.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    const cora = await loginAs(b.url, 'cora@demo.fieldsync');
    const open = [readEvents(await stream(b, cora)), readEvents(await stream(b, cora))];
    const third = await stream(b, cora);
    expect(third.status).toBe(429);
    expect(await third.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    for (const e of open) await e.cancel();
  });

  it('reopens a lost LISTEN connection and tells its streams to pull everything they see', async () => {
    const ana = await loginAs(a.url, 'ana@demo.fieldsync');
    const events = readEvents(await stream(a, ana));
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      const { rowCount } = await admin.query(
        `select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query ilike 'LISTEN%'`,
      );
      expect(rowCount).toBeGreaterThanOrEqual(1);
      const caughtUp = await events.next('changes', 10_000);
      expect(new Set((caughtUp.data as { entityIds: string[] }).entityIds)).toEqual(new Set([DEMO_ENTITIES.campNorth.id, DEMO_ENTITIES.campSouth.id]));
      // And it listens again.
      await admin.query(
        `insert into records (id, type, entity_id, version, data, hlc, updated_by, device_id)
         values ($1, 'assessment', $2, 1, '{}', $3, $4, 'dev_sql')`,
        [randomUUID(), DEMO_ENTITIES.campNorth.id, `${new Date().toISOString()}-0000-dev_sql`, randomUUID()],
      );
      expect((await events.next('changes', 5_000)).data).toEqual({ entityIds: [DEMO_ENTITIES.campNorth.id] });
    } finally {
      await admin.end();
      await events.cancel();
    }
  }, 30_000);

  it('ends its streams on SIGTERM, and the instance exits', async () => {
    const admin = await loginAs(b.url, 'admin@demo.fieldsync');
    const events = readEvents(await stream(b, admin));
    expect((await events.next('conflicts')).data).toEqual({ open: 0 });
    b.kill('SIGTERM');
    await expect(Promise.race([events.ended.then(() => 'ended'), new Promise((r) => setTimeout(() => r('open'), 10_000))])).resolves.toBe('ended');
    await b.exitCode();
    expect(b.alive()).toBe(false);
  }, 30_000);
});
