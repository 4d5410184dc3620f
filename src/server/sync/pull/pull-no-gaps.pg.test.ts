// Invariant 6 on PostgreSQL: a pull cursor never skips a committed write, in whatever order
// concurrent transactions commit. Writers here are separate connections (pg.Client) that hold
// their transactions open, as real concurrent pushes do.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, rows } from '../../db/database';
import { testDatabases } from '../../db/test-databases';
import { type TestServer, createTestServer } from '../../test-server';
import {
  type Follower,
  apply,
  createEntity,
  createUser,
  follower,
  pullPage,
  pullUntilDone,
  settle,
  stamp,
} from './test-fixtures';

const adminUrl = process.env.TEST_DATABASE_URL;

describe.runIf(adminUrl)('pull on PostgreSQL never skips a write of a concurrent transaction', () => {
  let database: Database;
  let server: TestServer;
  let url: string;
  const clients: pg.Client[] = [];
  const connect = async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    database = await testDatabases().find((f) => f.name === 'postgres')!.create();
    // A byte budget of about 20 small records: pages end by bytes or by count, both exercised.
    server = await createTestServer(database, { syncRequestsPerMinute: 1_000_000, pageBytes: 200 });
    const [d] = await rows<{ name: string }>(database.db, sql`select current_database() as name`);
    const u = new URL(adminUrl!);
    u.pathname = `/${d!.name}`;
    url = u.toString();
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => {})));
    await database.close();
  });

  const insert = (c: pg.Client, entityId: string, id = randomUUID()) =>
    c
      .query(
        `insert into records (id, type, entity_id, version, data, hlc, updated_by, device_id)
         values ($1, 'assessment', $2, 1, '{"v":1}', $3, $4, 'dev_gap') returning txid::text, seq::text`,
        [id, entityId, stamp(), randomUUID()],
      )
      .then((r) => ({ id, txid: r.rows[0].txid as string, seq: r.rows[0].seq as string }));

  /** Pulls until `done` holds, for up to 15 s: other tests' transactions may hold xmin back a while. */
  async function pullUntil(token: string, f: Follower, done: () => boolean): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (!done() && Date.now() < deadline) {
      const r = await pullPage(server, token, { cursor: f.cursor, settle: false });
      expect(r.status).toBe(200);
      apply(f, r.body);
      if (!r.body.hasMore && !done()) await new Promise((res) => setTimeout(res, 20));
    }
  }

  it('serves a row of a transaction that committed after a later one, once it commits', async () => {
    const entity = await createEntity(database.db);
    const user = await createUser(server, 'field_worker', [entity]);
    const f = follower();
    await pullUntilDone(server, user.token, f);

    const a = await connect();
    const b = await connect();
    // However this test ends, A must not stay open: it would hold back every later pull.
    let aOpen = true;
    try {
      await a.query('begin');
      const rowA = await insert(a, entity); // A holds its transaction open
      await b.query('begin');
      const rowB = await insert(b, entity);
      await b.query('commit'); // B, the later transaction, commits first
      // A is older than B, so its row sorts before B's in the feed.
      expect(BigInt(rowA.txid)).toBeLessThan(BigInt(rowB.txid));

      // B is committed and visible: a feed without the xmin rule would serve it now and move
      // the cursor to B's position (checked below: A's row then never comes after it).
      const visible = await rows<{ id: string }>(database.db, sql`select id from records where entity_id = ${entity}`);
      expect(visible.map((r) => r.id)).toEqual([rowB.id]);

      // With the rule, B waits while A runs: the cursor does not move past A.
      const during = await pullPage(server, user.token, { cursor: f.cursor, settle: false });
      expect(during.body.changes).toEqual([]);
      expect(during.body.hasMore).toBe(false);
      apply(f, during.body);

      await a.query('commit');
      aOpen = false;
      const afterB = await rows<{ id: string }>(
        database.db,
        sql`select id from records where entity_id = ${entity} and (txid, seq) > (${rowB.txid}::xid8, ${rowB.seq}::bigint)`,
      );
      expect(afterB.map((r) => r.id)).not.toContain(rowA.id); // what a cursor past B would have skipped
      await pullUntil(user.token, f, () => f.records.has(rowA.id) && f.records.has(rowB.id));
      expect(f.records.has(rowA.id)).toBe(true);
      expect(f.records.has(rowB.id)).toBe(true);
      const order = f.pages.flatMap((p) => p.changes.map((c) => c.id));
      expect(order).toEqual([rowA.id, rowB.id]);
    } finally {
      if (aOpen) await a.query('rollback').catch(() => {});
    }
  });

  it('with many concurrent writers and pullers, every puller ends with every committed write', async () => {
    const WRITERS = 8;
    const WRITES = 2_000;
    const entities = [await createEntity(database.db), await createEntity(database.db), await createEntity(database.db)];
    const pullers = [
      { user: await createUser(server, 'field_worker', entities), f: follower(), sees: new Set(entities) },
      { user: await createUser(server, 'coordinator', entities), f: follower(), sees: new Set(entities) },
      { user: await createUser(server, 'field_worker', entities.slice(0, 2)), f: follower(), sees: new Set(entities.slice(0, 2)) },
    ];
    // This one's entities change during the run: it gains two (caught up while writes go on)
    // and loses the first one.
    const moving = { user: await createUser(server, 'field_worker', [entities[0]!]), f: follower(), sees: new Set([entities[1]!, entities[2]!]) };
    pullers.push(moving);
    const committed: string[] = [];
    let writes = 0;
    let writing = true;
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(Math.random() * xs.length)]!;
    const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

    const writer = async () => {
      const c = await connect();
      while (writes < WRITES) {
        const ops = 1 + Math.floor(Math.random() * 4);
        writes += ops;
        const fresh: string[] = [];
        const touched = [...new Set(Array.from({ length: ops }, () => (committed.length > 0 && Math.random() < 0.6 ? pick(committed) : '')))]
          .filter((id) => id !== '')
          .sort(); // one lock order for every writer: no deadlocks
        try {
          await c.query('begin');
          for (const id of touched)
            await c.query(
              `update records set version = version + 1, hlc = $2, deleted = $3, data = jsonb_build_object('v', version + 1) where id = $1`,
              [id, stamp(), Math.random() < 0.15],
            );
          for (let i = touched.length; i < ops; i++) fresh.push((await insert(c, pick(entities))).id);
          if (Math.random() < 0.4) await sleep(Math.random() * 25); // hold the transaction open
          if (Math.random() < 0.05) {
            await c.query('rollback');
            continue;
          }
          await c.query('commit');
          committed.push(...fresh);
        } catch (e) {
          await c.query('rollback').catch(() => {});
          throw e;
        }
      }
    };
    const puller = async (p: (typeof pullers)[number]) => {
      while (writing) {
        const r = await pullPage(server, p.user.token, { cursor: p.f.cursor, limit: 1 + Math.floor(Math.random() * 60), settle: false });
        expect(r.status).toBe(200);
        apply(p.f, r.body);
        await sleep(Math.random() * 10);
      }
    };

    const reassign = async () => {
      while (writing && writes < WRITES / 3) await sleep(5);
      if (!writing) return;
      await database.db.execute(sql`insert into assignments (user_id, entity_id) values (${moving.user.id}, ${entities[1]!})`);
      while (writing && writes < (2 * WRITES) / 3) await sleep(5);
      if (!writing) return;
      await database.db.transaction(async (tx) => {
        await tx.execute(sql`insert into assignments (user_id, entity_id) values (${moving.user.id}, ${entities[2]!})`);
        await tx.execute(sql`delete from assignments where user_id = ${moving.user.id} and entity_id = ${entities[0]!}`);
      });
    };

    const started = Date.now();
    const pulling = Promise.all([...pullers.map((p) => puller(p)), reassign()]);
    try {
      await Promise.all(Array.from({ length: WRITERS }, () => writer()));
    } finally {
      writing = false; // also when a writer failed: no puller may outlive the test
      await pulling;
    }

    // Idle: once no transaction older than the last write is running, a pull sees everything.
    await settle(database);
    const truth = await rows<{ id: string; entity_id: string; version: number; deleted: boolean; data: unknown }>(
      database.db,
      sql`select id, entity_id, version, deleted, data from records where entity_id = any(${`{${entities.join(',')}}`}::uuid[])`,
    );
    expect(truth.length).toBeGreaterThan(500);
    for (const p of pullers) {
      await pullUntilDone(server, p.user.token, p.f, 1000);
      const want = truth.filter((r) => p.sees.has(r.entity_id));
      const missing = want.filter((r) => {
        const got = p.f.records.get(r.id);
        return !got || got.version !== r.version || got.deleted !== r.deleted || JSON.stringify(got.data) !== JSON.stringify(r.data);
      });
      expect(missing, `${missing.length} of ${want.length} rows skipped or stale`).toEqual([]);
      expect(p.f.records.size).toBe(want.length);
    }
    console.log(`no-gap run: ${writes} writes by ${WRITERS} writers, ${truth.length} records, ${Date.now() - started} ms`);
  });
});
