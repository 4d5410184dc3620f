// Hot statements as named prepared statements. An unnamed statement is parsed, analysed and
// planned on every call; a named one once per connection, and after a few runs PostgreSQL may
// keep a generic plan. For the push's statements (3 KB of SQL with up to six CTEs) planning is a
// sizeable share of each statement.
// But a generic plan is kept until a table it reads is analysed again. One made while a table
// held a few rows scans it whole, and autovacuum analyses again only once the table has grown by
// a tenth, at its next wake-up: on a new database the push would get slower with every batch,
// its check of change ids scanning the growing idempotency log. So a text's name changes each
// time its uses double, from 16 on: PostgreSQL plans it afresh for data that has grown since.
// Drizzle's `execute` takes no name, so this does what it does with one: the dialect builds the
// query and the session prepares it under the name (node-postgres passes it to pg; PGlite
// ignores it). A name left behind by a newer generation is deallocated on its connection the
// next time the pool hands that connection out (dropStaleStatements): each holds some hundreds
// of KB of PostgreSQL's memory for the push's statements, and up to 20 generations per text
// would pile up.
import { createHash } from 'node:crypto';
import type { SQL } from 'drizzle-orm';
import type pg from 'pg';
import type { Executor } from './database';

/** Uses before a text's name first changes; each name after serves twice as many. */
const FIRST_RENAME = 16;
/** Renames per text at most: past ~8 million uses (2^23), the last name stays. */
const MAX_RENAMES = 20;

/**
 * Names for statement texts: a name is the text's hash, so the same text always gets the same
 * name and another text another one, even from another copy of this module (Next.js bundles
 * route code apart, and every copy shares the one database pool: pg refuses a name that a
 * connection prepared for other text). The hash carries a generation that moves on as the
 * text's uses double (see above), so a connection holds at most MAX_RENAMES + 1 names per text.
 * Only meant for texts of a few fixed shapes; past `max` distinct texts, new ones get no name.
 */
export class StatementNames {
  private readonly texts = new Map<string, { readonly hash: string; uses: number }>();

  constructor(
    private readonly max = 200,
    private readonly prefix = 'fs_',
  ) {}

  /** The name for one more use of this text. */
  nameOf(text: string): string | undefined {
    let known = this.texts.get(text);
    if (known === undefined) {
      if (this.texts.size >= this.max) return undefined;
      known = { hash: `${this.prefix}${createHash('sha256').update(text).digest('hex').slice(0, 32)}`, uses: 0 };
      this.texts.set(text, known);
    }
    known.uses++;
    return `${known.hash}_${generation(known.uses)}`;
  }
}

/** 0 for the first FIRST_RENAME - 1 uses, then one more each time the uses double. */
export function generation(uses: number): number {
  if (uses < FIRST_RENAME) return 0;
  return Math.min(Math.floor(Math.log2(uses / FIRST_RENAME)) + 1, MAX_RENAMES);
}

const processNames = new StatementNames();

interface DrizzleInternals {
  readonly dialect: { sqlToQuery(query: SQL): { sql: string; params: unknown[] } };
  readonly session: {
    prepareQuery(query: { sql: string; params: unknown[] }, fields: undefined, name: string | undefined, arrayMode: boolean): { execute(): Promise<unknown> };
  };
}

/** `rows` (database.ts) as a named prepared statement: only for statements whose text comes in a few fixed shapes. */
export async function preparedRows<T>(ex: Executor, query: SQL, names: StatementNames = processNames): Promise<T[]> {
  const inner = ex as unknown as DrizzleInternals;
  const built = inner.dialect.sqlToQuery(query);
  const result = await inner.session.prepareQuery(built, undefined, names.nameOf(built.sql), false).execute();
  return (result as { rows: T[] }).rows;
}

/** A statement name of ours: its text's hash, then its generation. */
const GENERATION_NAME = /^(.+_[0-9a-f]{32})_(\d+)$/;

/**
 * For a pool's `acquire` event: deallocates the names this connection holds for a text it also
 * holds a newer generation of, before the acquirer's own query (pg runs a client's queries in
 * order; nothing waits for this one). They are forgotten by pg at once too, so a copy of this
 * module still using an older name (they count uses apart) has it prepared again, not missed.
 * pg keeps the names it prepared on `connection.parsedStatements` (pg 8): not public, so a pg
 * that moved it leaves this doing nothing, which prepared.test.ts would show.
 */
export function dropStaleStatements(client: pg.PoolClient): void {
  const parsed = (client as unknown as { connection?: { parsedStatements?: Record<string, string> } }).connection?.parsedStatements;
  if (parsed === undefined) return;
  const newest = new Map<string, number>();
  const ours: Array<{ name: string; text: string; generation: number }> = [];
  for (const name in parsed) {
    const m = GENERATION_NAME.exec(name);
    if (m === null) continue;
    const generation = Number(m[2]);
    ours.push({ name, text: m[1]!, generation });
    if (generation > (newest.get(m[1]!) ?? -1)) newest.set(m[1]!, generation);
  }
  const stale = ours.filter((o) => o.generation < newest.get(o.text)!).map((o) => o.name);
  if (stale.length === 0) return;
  for (const name of stale) delete parsed[name];
  // Names are our own ([a-z0-9_]): safe to write into the statement.
  client.query(stale.map((name) => `deallocate ${name}`).join('; ')).catch(() => {});
}
