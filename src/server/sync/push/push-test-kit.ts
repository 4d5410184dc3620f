// For the push tests: the real API on a test database, demo users logged in, and builders for
// changes and stamps. Requests go through the real handler (no HTTP server in between).
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import type { ChangeInput, PushResponse } from '@/protocol/push';
import { formatHlc } from '@/core/hlc';
import type { Config } from '../../config';
import { type Database, rows } from '../../db/database';
import type { TestDatabaseFactory } from '../../db/test-databases';
import { DEMO_ENTITIES } from '../../seed/demo';
import { type Api, createApi } from '../../api';
import { type TestServer, createTestServer } from '../../test-server';
import { RECORD_COLUMNS, type RecordRow } from '../record-row';

export const NORTH = DEMO_ENTITIES.campNorth.id;
export const SOUTH = DEMO_ENTITIES.campSouth.id;
export const RIVER = DEMO_ENTITIES.riverside.id;
export const SHA = 'ab'.repeat(32);

export type DemoUser = 'ana' | 'ben' | 'cora' | 'admin';

export interface PushKit {
  readonly server: TestServer;
  readonly database: Database;
  token(user: DemoUser): Promise<string>;
  userId(user: DemoUser): Promise<string>;
  /** POST /api/v1/sync/batch; the body is sent as given (a string as is, anything else as JSON). */
  post(user: DemoUser, body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: unknown; headers: Headers }>;
  /** A push that must answer 200. */
  push(user: DemoUser, changes: unknown[], deviceId?: string): Promise<PushResponse>;
  /** A push by ana that must answer 200, through the API on another handle of the database (watchedDatabase). */
  pushWith(database: Database, changes: unknown[], deviceId: string): Promise<PushResponse>;
  /** A stamp `offsetMs` from the server's clock. */
  stamp(offsetMs?: number, counter?: number, node?: string): string;
}

/**
 * For a describe block: a database from `factory` and a kit on it, made before the block's
 * tests (and before its own beforeAll hooks, which run after this one), closed after them.
 */
export function withPushKit(factory: TestDatabaseFactory, ready: (database: Database, kit: PushKit) => void): void {
  let database: Database | undefined;
  beforeAll(async () => {
    database = await factory.create();
    ready(database, await pushKit(database));
  });
  afterAll(async () => {
    await database?.close();
  });
}

export async function pushKit(database: Database, config: Partial<Config> = {}): Promise<PushKit> {
  const server = await createTestServer(database, { syncRequestsPerMinute: 100_000, ...config });
  const tokens = new Map<DemoUser, Promise<string>>();
  const token = (user: DemoUser) => {
    let t = tokens.get(user);
    if (!t) tokens.set(user, (t = server.token(`${user}@demo.fieldsync`)));
    return t;
  };
  const postTo = async (api: Api, user: DemoUser, body: unknown, headers: Record<string, string> = {}) => {
    const res = await api.syncPush(
      new Request('http://test/api/v1/sync/batch', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await token(user)}`, ...headers },
        body: typeof body === 'string' || body instanceof Uint8Array ? (body as BodyInit) : JSON.stringify(body),
      }),
    );
    return { status: res.status, body: await res.json(), headers: res.headers };
  };
  const post: PushKit['post'] = (user, body, headers) => postTo(server.api, user, body, headers);
  const ok = (res: { status: number; body: unknown }): PushResponse => {
    if (res.status !== 200) throw new Error(`push answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body as PushResponse;
  };
  return {
    server,
    database,
    token,
    userId: async (user) => {
      const [u] = await rows<{ id: string }>(database.db, sql`select id from users where email = ${`${user}@demo.fieldsync`}`);
      if (!u) throw new Error(`no demo user ${user}`);
      return u.id;
    },
    post,
    push: async (user, changes, deviceId = 'dev_test') => ok(await post(user, { deviceId, changes })),
    pushWith: async (other, changes, deviceId) => ok(await postTo(createApi({ ...server.ctx, database: other }), 'ana', { deviceId, changes })),
    stamp: (offsetMs = 0, counter = 0, node = 'dev_test') => formatHlc({ ms: server.clock.now() + offsetMs, counter, node }),
  };
}

/** A change with fresh ids; a create of an assessment in Camp North unless told otherwise. */
export function change(over: Partial<ChangeInput> & Record<string, unknown> = {}): ChangeInput {
  return {
    changeId: uuidv7(),
    type: 'assessment',
    action: 'create',
    recordId: uuidv7(),
    entityId: NORTH,
    baseVersion: 0,
    hlc: formatHlc({ ms: Date.now(), counter: 0, node: 'dev_test' }),
    data: { title: 'Well 4', households: 12 },
    ...over,
  } as ChangeInput;
}

export const newId = (): string => uuidv7();

/** The record as stored now, or undefined. */
export async function storedRecord(database: Database, id: string): Promise<RecordRow | undefined> {
  const [r] = await rows<RecordRow>(database.db, sql`select ${sql.raw(RECORD_COLUMNS)} from records where id = ${id}`);
  return r;
}

export async function countRows(database: Database, table: 'records' | 'sync_changes' | 'sync_conflicts' | 'sync_activity'): Promise<number> {
  const [r] = await rows<{ n: number }>(database.db, sql`select count(*)::int as n from ${sql.identifier(table)}`);
  return r?.n ?? 0;
}

export interface DatabaseWatch {
  /** Each transaction the handler opens. */
  onTransaction?(): void;
  /** Each query it starts: raw SQL (`execute`) or a query builder. */
  onQuery?(method: string): void;
  /** Awaited before each raw SQL statement is sent. */
  beforeExecute?(query: unknown): Promise<void>;
}

const QUERY_METHODS = new Set(['execute', 'select', 'selectDistinct', 'insert', 'update', 'delete', 'with', '$count']);

/** The database with `watch` told of what a handler does with it, inside transactions too. */
export function watchedDatabase(database: Database, watch: DatabaseWatch): Database {
  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(t, prop, receiver) {
        const v: unknown = Reflect.get(t, prop, receiver);
        if (typeof v !== 'function') return v;
        const fn = v as (...args: unknown[]) => unknown;
        if (prop === 'transaction')
          return (body: (tx: object) => Promise<unknown>, config?: unknown) => {
            watch.onTransaction?.();
            return fn.call(t, (tx: object) => body(wrap(tx)), config);
          };
        if (typeof prop !== 'string' || !QUERY_METHODS.has(prop)) return fn.bind(t);
        return (...args: unknown[]) => {
          watch.onQuery?.(prop);
          if (prop !== 'execute' || !watch.beforeExecute) return fn.apply(t, args);
          return watch.beforeExecute(args[0]).then(() => fn.apply(t, args));
        };
      },
    });
  return { ...database, db: wrap(database.db) };
}
