// For the tests of pull, conflicts and status: users, entities, assignments and records written
// straight into the database with SQL (the records trigger gives every write its feed
// position, as on any write), tokens for those users, and a client that follows pull cursors.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { formatHlc } from '@/core/hlc';
import type { Role } from '@/protocol/auth';
import type { PullResponse } from '@/protocol/pull';
import type { SyncRecord } from '@/protocol/records';
import { signToken } from '../../auth/jwt';
import { type Database, type Executor, rows } from '../../db/database';
import type { TestServer } from '../../test-server';

let lastStampMs = Date.parse('2026-11-26T08:00:00.000Z');
/** A new, later HLC stamp on every call. */
export function stamp(node = 'dev_test'): string {
  lastStampMs += 1;
  return formatHlc({ ms: lastStampMs, counter: 0, node });
}

export async function createEntity(ex: Executor, name = `Entity ${randomUUID().slice(0, 8)}`): Promise<string> {
  const [e] = await rows<{ id: string }>(ex, sql`insert into entities (name, kind) values (${name}, 'camp') returning id`);
  return e!.id;
}

export interface TestUser {
  readonly id: string;
  readonly token: string;
}

/** A new user with the given entities; the token is signed directly (no login, no password). */
export async function createUser(server: TestServer, role: Role, entityIds: readonly string[] = []): Promise<TestUser> {
  const email = `u-${randomUUID()}@test.fieldsync`;
  const [u] = await rows<{ id: string }>(
    server.ctx.database.db,
    sql`insert into users (email, name, role, password_hash) values (${email}, ${email}, ${role}, 'none') returning id`,
  );
  await assign(server.ctx.database.db, u!.id, entityIds);
  const { token } = await signToken(server.ctx.tokens, { id: u!.id, role }, server.clock.now());
  return { id: u!.id, token };
}

export async function userIdOf(ex: Executor, email: string): Promise<string> {
  const [u] = await rows<{ id: string }>(ex, sql`select id from users where email = ${email}`);
  if (!u) throw new Error(`no user ${email}`);
  return u.id;
}

export async function assign(ex: Executor, userId: string, entityIds: readonly string[]): Promise<void> {
  for (const entityId of entityIds)
    await ex.execute(sql`insert into assignments (user_id, entity_id) values (${userId}, ${entityId}) on conflict do nothing`);
}

export async function unassign(ex: Executor, userId: string, entityIds: readonly string[]): Promise<void> {
  for (const entityId of entityIds)
    await ex.execute(sql`delete from assignments where user_id = ${userId} and entity_id = ${entityId}`);
}

export interface NewRecord {
  entityId: string;
  id?: string;
  type?: 'assessment' | 'response' | 'media';
  data?: Record<string, unknown>;
  deleted?: boolean;
  updatedBy?: string;
  hlc?: string;
}

export async function insertRecord(ex: Executor, r: NewRecord): Promise<string> {
  const id = r.id ?? randomUUID();
  await ex.execute(
    sql`insert into records (id, type, entity_id, version, data, deleted, hlc, updated_by, device_id)
        values (${id}, ${r.type ?? 'assessment'}, ${r.entityId}, 1, ${JSON.stringify(r.data ?? { n: 0 })}::jsonb,
                ${r.deleted ?? false}, ${r.hlc ?? stamp()}, ${r.updatedBy ?? randomUUID()}, 'dev_test')`,
  );
  return id;
}

/** `n` records of one entity written by one transaction; returns their ids in feed order. */
export async function insertRecords(ex: Executor, entityId: string, n: number): Promise<string[]> {
  const h = stamp();
  const inserted = await rows<{ id: string; seq: string }>(
    ex,
    sql`insert into records (id, type, entity_id, version, data, hlc, updated_by, device_id)
        select gen_random_uuid(), 'assessment', ${entityId}, 1, jsonb_build_object('n', i), ${h}, gen_random_uuid(), 'dev_test'
        from generate_series(1, ${n}::int) i
        returning id, seq::text`,
  );
  return inserted.sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : 1)).map((r) => r.id);
}

/** A new version of a record: new data and/or a delete, version + 1, a later stamp. */
export async function writeRecord(
  ex: Executor,
  id: string,
  change: { data?: Record<string, unknown>; deleted?: boolean },
): Promise<void> {
  await ex.execute(
    sql`update records set version = version + 1, hlc = ${stamp()},
          data = coalesce(${change.data === undefined ? null : JSON.stringify(change.data)}::jsonb, data),
          deleted = ${change.deleted ?? false}
        where id = ${id}`,
  );
}

export interface PullReply {
  readonly status: number;
  readonly body: PullResponse & { error?: { code: string; message: string } };
  readonly headers: Headers;
}

/**
 * Waits until no transaction older than the newest record write is still running anywhere on
 * the PostgreSQL server (xids are server-wide, so other test files' transactions count): until
 * then a pull rightly holds back the newest writes, and a test expecting them would flake.
 */
export async function settle(database: Database, timeoutMs = 20_000): Promise<void> {
  if (database.kind !== 'postgres') return; // PGlite has one connection: nothing else runs
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [r] = await rows<{ ok: boolean }>(
      database.db,
      sql`select pg_snapshot_xmin(pg_current_snapshot()) > coalesce((select max(txid) from records), '0'::xid8) as ok`,
    );
    if (r?.ok) return;
    if (Date.now() > deadline) throw new Error(`a transaction stayed open for ${timeoutMs} ms`);
    await new Promise((res) => setTimeout(res, 10));
  }
}

/** One pull. By default it first waits for `settle`; pass `settle: false` to pull amid running writes. */
export async function pullPage(
  server: TestServer,
  token: string | undefined,
  query: { cursor?: string | undefined; limit?: number | string | undefined; settle?: boolean } = {},
): Promise<PullReply> {
  if (query.settle !== false) await settle(server.ctx.database);
  const url = new URL('http://test/api/v1/sync/pull');
  if (query.cursor !== undefined) url.searchParams.set('cursor', query.cursor);
  if (query.limit !== undefined) url.searchParams.set('limit', String(query.limit));
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const res = await server.api.syncPull(new Request(url, { headers }));
  return { status: res.status, body: (await res.json()) as PullReply['body'], headers: res.headers };
}

/** What a device keeps: the newest version of every record, plus every page it got. */
export interface Follower {
  cursor: string | undefined;
  readonly records: Map<string, SyncRecord>;
  readonly pages: PullResponse[];
}

export function follower(cursor?: string): Follower {
  return { cursor, records: new Map(), pages: [] };
}

/** Pulls pages until hasMore is false; keeps each record's newest version. */
export async function pullUntilDone(server: TestServer, token: string, f: Follower, limit?: number): Promise<PullResponse[]> {
  const got: PullResponse[] = [];
  for (let i = 0; i < 100_000; i++) {
    const r = await pullPage(server, token, { cursor: f.cursor, limit });
    if (r.status !== 200) throw new Error(`pull failed: ${r.status} ${JSON.stringify(r.body)}`);
    apply(f, r.body);
    got.push(r.body);
    if (!r.body.hasMore) return got;
  }
  throw new Error('pull never finished');
}

export function apply(f: Follower, page: PullResponse): void {
  f.pages.push(page);
  f.cursor = page.cursor;
  for (const rec of page.changes) {
    const had = f.records.get(rec.id);
    if (!had || had.version <= rec.version) f.records.set(rec.id, rec);
  }
  for (const id of page.removedEntityIds)
    for (const [rid, rec] of f.records) if (rec.entityId === id) f.records.delete(rid);
}
