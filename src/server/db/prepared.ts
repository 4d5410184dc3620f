// Hot statements as named prepared statements. An unnamed statement is parsed, analysed and
// planned on every call; a named one once per connection, and after a few runs PostgreSQL may
// keep a generic plan. For the push's statements (3 KB of SQL with up to six CTEs) that was
// ~0.7 of ~4.1 ms per statement, measured by replaying the bench's statements (session 10 note).
// But a generic plan is kept until a table it reads is analysed again. One made while a table
// held a few rows scans it whole, and autovacuum analyses again only once the table has grown by
// a tenth, at its next wake-up (a minute): on a new database the push got slower with every
// batch, its check of change ids scanning the growing idempotency log (21 ms at 40,000 rows,
// `npm run bench -- --only push`, session 11). So a text's name changes each time its uses
// double, from 16 on: PostgreSQL plans it afresh for data that has grown since.
// Drizzle's `execute` takes no name, so this does what it does with one: the dialect builds the
// query and the session prepares it under the name (node-postgres passes it to pg; PGlite
// ignores it).
import { createHash } from 'node:crypto';
import type { SQL } from 'drizzle-orm';
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
