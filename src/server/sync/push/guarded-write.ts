// A push's first try when its batch could be decided on the start guess (guess-start.ts): one
// statement checks the guess against the database and, only if every check holds, writes the
// batch as decided. If one fails, it writes nothing, and the batch goes the long way (read,
// decide, write). That costs a round trip more, but a device whose batch was not clean is read
// first next time (guess-hints.ts), so it is rare; the statement stays small to plan.
// The checks and the writes see one snapshot. A writer that commits after the snapshot but
// before the writes makes the writes' own row counts come out short (write-batch.ts), so the
// statement aborts as a serialization failure and the batch runs again under locks.
import { sql } from 'drizzle-orm';
import type { Executor } from '../../db/database';
import { preparedRows } from '../../db/prepared';
import type { GuessedPlan } from './guess-start';
import { uuidArrayParam } from './lock-records';
import { type WriteMeta, writeParts } from './write-batch';

export async function writeIfGuessedRight(
  db: Executor,
  { guess, plan }: GuessedPlan,
  meta: WriteMeta,
  keys: { readonly recordIds: readonly string[]; readonly changeIds: readonly string[] },
): Promise<boolean> {
  // The guess of each record expected to exist, by id; the fields not guessed are left out.
  const present: Record<string, { version?: number | undefined; type?: string | undefined; entity_id?: string | undefined; deleted?: boolean | undefined }> = {};
  for (const e of guess.expectations)
    if (e.exists) present[e.id] = { version: e.version, type: e.type, entity_id: e.entityId, deleted: e.deleted };
  const presentCount = Object.keys(present).length;
  const recordIds = uuidArrayParam(keys.recordIds);
  const changes = uuidArrayParam(keys.changeIds);
  const entities = uuidArrayParam(guess.entityIds);
  const ok = sql`(select ok from guess)`;
  const write = writeParts(plan, meta, ok);
  const [row] = await preparedRows<{ ok: boolean }>(
    db,
    sql`with guess as (
          select (
            -- Every record the batch names, found by id as the long way reads them: each must
            -- be expected to exist, and match what was guessed; and as many as expected.
            (select coalesce(bool_and(
                        g is not null
                        and coalesce((g->>'version')::numeric = r.version, true)
                        and coalesce(g->>'type' = r.type, true)
                        and coalesce((g->>'entity_id')::uuid = r.entity_id, true)
                        and coalesce((g->>'deleted')::boolean = r.deleted, true)), true)
                    and count(*) = ${presentCount}
             from records r, lateral (select ${JSON.stringify(present)}::jsonb -> r.id::text as g) e
             where r.id = any(${recordIds}))
            -- count(*), not EXISTS: for EXISTS the planner expects an early hit and scans the table.
            and (select count(*) from sync_changes where change_id = any(${changes})) = 0
            -- The caller exists and may write every entity named: authenticate.ts's rule (admin:
            -- every entity; others: their assignments), restated as counts because reusing its
            -- callerQuery here measured ~3% slower on bench:server (push-access.test.ts and the
            -- property test pin both to the same answers).
            and exists (
              select 1 from users u
              where u.id = ${meta.userId}::uuid
                and cardinality(${entities}) = case when u.role = 'admin'
                  then (select count(*) from entities where id = any(${entities}))
                  else (select count(*) from assignments a where a.user_id = u.id and a.entity_id = any(${entities})) end
            )
          ) as ok
        ), ${sql.join(write.parts, sql`, `)}
        select ${ok} as ok, fieldsync_expect_rows(${write.written}, case when ${ok} then ${write.expected} else 0 end) as written`,
  );
  return row?.ok === true;
}
