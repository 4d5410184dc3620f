// The names of the people a page of conflict entries mentions (each side's author, the
// coordinator who resolved it), read in one statement and set beside their ids, so that a
// screen can say "Ana Field" instead of an id. A user who no longer exists keeps only the id.
import { sql } from 'drizzle-orm';
import type { ConflictEntry, ConflictSide } from '@/protocol/conflicts';
import { type Executor, rows } from '../../db/database';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function withUserNames(db: Executor, entries: readonly ConflictEntry[]): Promise<ConflictEntry[]> {
  const ids = new Set<string>();
  for (const e of entries) {
    for (const side of [e.winner, e.loser, e.replaced]) if (side && UUID.test(side.userId)) ids.add(side.userId.toLowerCase());
    if (e.resolvedBy && UUID.test(e.resolvedBy)) ids.add(e.resolvedBy.toLowerCase());
  }
  if (ids.size === 0) return [...entries];
  const found = await rows<{ id: string; name: string }>(db, sql`select id::text, name from users where id = any(${`{${[...ids].join(',')}}`}::uuid[])`);
  const names = new Map(found.map((u) => [u.id, u.name]));
  const named = (side: ConflictSide): ConflictSide => {
    const name = names.get(side.userId.toLowerCase());
    return name === undefined ? side : { ...side, userName: name };
  };
  return entries.map((e) => {
    const out: ConflictEntry = { ...e, winner: named(e.winner), loser: named(e.loser) };
    if (e.replaced) out.replaced = named(e.replaced);
    const by = e.resolvedBy === undefined ? undefined : names.get(e.resolvedBy.toLowerCase());
    if (by !== undefined) out.resolvedByName = by;
    return out;
  });
}
