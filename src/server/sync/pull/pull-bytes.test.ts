// GET /sync/pull on every test database: a page is bounded in bytes of record data as well as in
// records. It ends early with hasMore once the budget is spent, a record larger than the budget
// goes alone, and paging that way still serves every record once, catch-up included.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, rows } from '../../db/database';
import { testDatabases } from '../../db/test-databases';
import { type TestServer, createTestServer } from '../../test-server';
import { assign, createEntity, createUser, follower, pullPage, pullUntilDone } from './test-fixtures';

const BUDGET = 10_000;
/** jsonb text of {"s": "<n x>"}: what the budget counts. */
const sized = (n: number) => ({ s: 'x'.repeat(n) });
const bytesOf = (data: unknown) => JSON.stringify(data).length + 1; // jsonb writes `{"s": …}`

/** `n` records of `size` bytes of `s` in one entity, one transaction; their ids in feed order. */
async function insertSized(db: Database['db'], entityId: string, n: number, size: number): Promise<string[]> {
  const inserted = await rows<{ id: string; seq: string }>(
    db,
    sql`insert into records (id, type, entity_id, version, data, hlc, updated_by, device_id)
        select gen_random_uuid(), 'assessment', ${entityId}, 1, jsonb_build_object('s', repeat('x', ${size}::int)),
               '2026-11-26T08:00:00.000Z-0000-dev_test', gen_random_uuid(), 'dev_test'
        from generate_series(1, ${n}::int)
        returning id, seq::text`,
  );
  return inserted.sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : 1)).map((r) => r.id);
}

describe.each(testDatabases())('pull pages bounded in bytes on $name', (factory) => {
  let database: Database;
  let server: TestServer;
  beforeAll(async () => {
    database = await factory.create();
    server = await createTestServer(database, { syncRequestsPerMinute: 1_000_000, pageBytes: BUDGET });
  });
  afterAll(async () => {
    await database.close();
  });
  const db = () => database.db;

  it('ends a page early with hasMore when its bytes are spent, and sends a record over the budget alone', async () => {
    expect(bytesOf(sized(3_000))).toBe(3_009);
    const entity = await createEntity(db());
    const small = await insertSized(db(), entity, 7, 3_000);
    const [big] = await insertSized(db(), entity, 1, 25_000);
    const tail = await insertSized(db(), entity, 2, 3_000);
    const user = await createUser(server, 'field_worker', [entity]);

    const f = follower();
    const pages = await pullUntilDone(server, user.token, f, 1000);
    // 3 × 3,009 fits in 10,000, a 4th does not; the big record stands alone; then the rest.
    expect(pages.map((p) => p.changes.length)).toEqual([3, 3, 1, 1, 2]);
    expect(pages.map((p) => p.hasMore)).toEqual([true, true, true, true, false]);
    expect(pages[3]!.changes[0]!.id).toBe(big);
    expect(pages.flatMap((p) => p.changes.map((c) => c.id))).toEqual([...small, big!, ...tail]);
    for (const p of pages.filter((p) => p.changes.length > 1))
      expect(p.changes.reduce((n, c) => n + bytesOf(c.data), 0)).toBeLessThanOrEqual(BUDGET);

    // The count still bounds a page too.
    const byTwo = await pullUntilDone(server, user.token, follower(), 2);
    expect(byTwo.map((p) => p.changes.length)).toEqual([2, 2, 2, 1, 1, 2]);
  });

  it('bounds a catch-up of a gained entity in bytes, then goes on with the main feed, missing nothing', async () => {
    const first = await createEntity(db());
    const gained = await createEntity(db());
    const user = await createUser(server, 'field_worker', [first]);
    const before = await insertSized(db(), first, 2, 3_000);
    const old = await insertSized(db(), gained, 8, 3_000);
    const f = follower();
    await pullUntilDone(server, user.token, f, 1000);
    expect([...f.records.keys()].sort()).toEqual([...before].sort());

    await assign(db(), user.id, [gained]);
    const later = await insertSized(db(), first, 4, 3_000);
    const pages = await pullUntilDone(server, user.token, f, 1000);
    const served = pages.flatMap((p) => p.changes.map((c) => c.id));
    expect(new Set(served).size).toBe(served.length);
    // The gained entity's records first (three pages' worth), then the main feed.
    expect(served).toEqual([...old, ...later]);
    expect(pages.map((p) => p.changes.length)).toEqual([3, 3, 3, 3]);
    expect([...f.records.keys()].sort()).toEqual([...before, ...old, ...later].sort());

    const idle = await pullPage(server, user.token, { cursor: f.cursor });
    expect(idle.body).toMatchObject({ changes: [], hasMore: false });
  });
});
