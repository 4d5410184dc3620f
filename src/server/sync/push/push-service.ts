// Applies a parsed batch with a fixed, small number of statements whatever its size, deciding
// everything in memory in between.
// First try, optimistic: read (records, idempotency log), decide, then write everything in one
// statement, which is a transaction by itself and aborts as a serialization failure if anything
// it depends on was written in between (write-batch.ts). Two round trips, no BEGIN/COMMIT, no
// locks held across a round trip. After a failure, the batch runs again in a READ COMMITTED
// transaction that first locks its records (advisory locks in id order, then the rows), so
// under contention it cannot lose the race again to another locked batch. Serialization
// failures and deadlocks are retried a bounded number of times.
import type { PushResponse } from '@/protocol/push';
import { compareHlc } from '@/core/hlc';
import type { Caller } from '../../auth/authenticate';
import type { ServerContext } from '../../context';
import type { Executor } from '../../db/database';
import { toPushResponse } from './change-results';
import { type LoadedBatch, loadCallerAndBatch, lockAndLoad } from './load-batch';
import type { ParsedBatch } from './parse-batch';
import { type BatchPlan, batchKeys, planBatch } from './plan-batch';
import { DEFAULT_RETRY, type RetryOptions, withRetries } from './with-retries';
import { writeBatch } from './write-batch';

export async function pushBatch(
  ctx: ServerContext,
  userId: string,
  batch: ParsedBatch,
  retry: RetryOptions = DEFAULT_RETRY,
): Promise<PushResponse> {
  const { recordIds, changeIds } = batchKeys(batch.items);
  const { db, kind } = ctx.database;
  // Read with the first try's records, so a push costs one read; kept for the retries.
  let caller: Caller | undefined;

  const apply = async (ex: Executor, loaded: LoadedBatch, caller: Caller): Promise<BatchPlan> => {
    const meta = { userId: caller.id, deviceId: batch.deviceId, now: ctx.clock.now() };
    const decided = planBatch({ ...meta, items: batch.items, entityIds: caller.entityIds, ...loaded });
    await writeBatch(ex, decided, meta);
    return decided;
  };
  const plan = await withRetries(
    async () => {
      if (caller === undefined) {
        const first = await loadCallerAndBatch(db, userId, recordIds, changeIds);
        caller = first.caller;
        return apply(db, first.loaded, caller);
      }
      const known = caller;
      return db.transaction(async (tx) => apply(tx, await lockAndLoad(tx, kind, recordIds, changeIds), known));
    },
    retry,
  );
  // The server's clock moves past every stamp it stored, so serverHlc is later than all of them.
  const latest = plan.stamps.reduce<string | undefined>((a, s) => (a === undefined || compareHlc(s, a) > 0 ? s : a), undefined);
  if (latest !== undefined) ctx.hlc.observe(latest);
  return toPushResponse(plan.results, ctx.hlc.current());
}
