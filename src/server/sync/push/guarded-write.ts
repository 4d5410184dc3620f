// A push's first try when its batch could be decided on the start guess (guess-start.ts): one
// statement checks the guess against the database and, only if every check holds, writes the
// batch as decided. If one fails, it writes nothing, and the batch goes the long way (read,
// decide, write). That costs a round trip more, but a device whose batch was not clean is read
// first next time (guess-hints.ts), so it is rare; the statement stays small to plan.
// Two guesses are checked by the writes themselves, not looked up first: that the batch's change
// ids are new (the log insert takes them all) and that the records it creates do not exist (the
// insert finds them). Each insert looks its ids up anyway, so lookups before it would only add
// to every statement.
// The log insert comes first. None taken (a batch sent again): nothing else is written, as
// above. Some but not all, or a create that finds its record: the counts come out short, the
// statement aborts as a serialization failure, and the batch runs again under locks
// (push-service.ts). Both are rare: a resend repeats the batch whole, and a record id is new
// when a device creates it.
// The checks and the writes see one snapshot. A writer that commits after the snapshot but
// before the writes makes the writes' own row counts come out short (write-batch.ts), so the
// statement aborts the same way.
import { type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../db/database';
import { preparedRows } from '../../db/prepared';
import type { GuessedPlan } from './guess-start';
import { uuidArrayParam } from './lock-records';
import { type WriteMeta, writeParts } from './write-batch';

export async function writeIfGuessedRight(
  db: Executor,
  { guess, plan }: GuessedPlan,
  meta: WriteMeta,
  keys: { readonly recordIds: readonly string[] },
): Promise<boolean> {
  // The guess of each record expected to exist, by id; the fields not guessed are left out.
  const present: Record<string, { version?: number | undefined; type?: string | undefined; entity_id?: string | undefined; deleted?: boolean | undefined }> = {};
  for (const e of guess.expectations)
    if (e.exists) present[e.id] = { version: e.version, type: e.type, entity_id: e.entityId, deleted: e.deleted };
  const presentCount = Object.keys(present).length;
  // Records the batch inserts and change ids it logs are checked by the inserts (see above).
  const inserted = new Set(plan.writes.filter((w) => w.previousVersion === null).map((w) => w.id));
  const lookedUp = keys.recordIds.filter((id) => !inserted.has(id));
  const entities = uuidArrayParam(guess.entityIds);
  const guessed = sql`(select ok from guess)`;
  const ok = sql`(select ok from checked)`;
  const write = writeParts(plan, meta, { log: guessed, rest: ok });
  const checks: SQL[] = [];
  if (lookedUp.length > 0)
    checks.push(sql`
            -- Every other record the batch names, found by id as the long way reads them: each
            -- must be expected to exist, and match what was guessed; and as many as expected.
            (select coalesce(bool_and(
                        g is not null
                        and coalesce((g->>'version')::numeric = r.version, true)
                        and coalesce(g->>'type' = r.type, true)
                        and coalesce((g->>'entity_id')::uuid = r.entity_id, true)
                        and coalesce((g->>'deleted')::boolean = r.deleted, true)), true)
                    and count(*) = ${presentCount}
             from records r, lateral (select ${JSON.stringify(present)}::jsonb -> r.id::text as g) e
             where r.id = any(${uuidArrayParam(lookedUp)}))`);
  checks.push(sql`
            -- The caller exists and may write every entity named: authenticate.ts's rule (admin:
            -- every entity; others: their assignments), restated as counts because reusing its
            -- callerQuery here measured ~3% slower on bench:server (push-access.test.ts and the
            -- property test pin both to the same answers).
            exists (
              select 1 from users u
              where u.id = ${meta.userId}::uuid
                and cardinality(${entities}) = case when u.role = 'admin'
                  then (select count(*) from entities where id = any(${entities}))
                  else (select count(*) from assignments a where a.user_id = u.id and a.entity_id = any(${entities})) end
            )`);
  // The change ids: decided on a guess (nothing seen), the plan logs every one the batch names,
  // so none was seen before exactly when the log took them all. None taken: nothing is written,
  // the batch goes the long way. Some taken: the statement aborts (the counts).
  const taken = write.log.length > 0 ? sql` and (select count(*) from logged) = ${plan.log.length}` : sql``;
  const [row] = await preparedRows<{ ok: boolean }>(
    db,
    sql`with guess as (select (${sql.join(checks, sql` and `)}) as ok),
        ${sql.join([...write.log, sql`checked as (select ${guessed}${taken} as ok)`, ...write.parts], sql`, `)}
        select ${ok} as ok, fieldsync_expect_rows(${write.written}, case when ${ok} then ${write.expected} else 0 end) as written`,
  );
  return row?.ok === true;
}
