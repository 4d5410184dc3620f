// Hot statements as named prepared statements. An unnamed statement is parsed, analysed and
// planned on every call; a named one once per connection, and after a few runs PostgreSQL may
// keep a generic plan. For the push's statements (3 KB of SQL with up to six CTEs) that was
// ~0.7 of ~4.1 ms per statement, measured by replaying the bench's statements (session 10 note).
// Drizzle's `execute` takes no name, so this does what it does with one: the dialect builds the
// query and the session prepares it under the name (node-postgres passes it to pg; PGlite
// ignores it).
import { createHash } from 'node:crypto';
import type { SQL } from 'drizzle-orm';
import type { Executor } from './database';

/**
 * Names for statement texts: a name is the text's hash, so the same text always gets the same
 * name and another text another one, even from another copy of this module (Next.js bundles
 * route code apart, and every copy shares the one database pool: pg refuses a name that a
 * connection prepared for other text). Only meant for texts of a few fixed shapes; past `max`
 * distinct texts, new ones get no name, so a connection never holds more than `max`.
 */
export class StatementNames {
  private readonly names = new Map<string, string>();

  constructor(
    private readonly max = 200,
    private readonly prefix = 'fs_',
  ) {}

  nameOf(text: string): string | undefined {
    const known = this.names.get(text);
    if (known !== undefined || this.names.size >= this.max) return known;
    const name = `${this.prefix}${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
    this.names.set(text, name);
    return name;
  }
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
