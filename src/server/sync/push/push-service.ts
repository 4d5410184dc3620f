// Applies a parsed batch in one READ COMMITTED transaction with a fixed, small number of
// statements whatever the batch size (lock, load, write; lock and load share a round trip on
// PostgreSQL), deciding everything in memory in between. Serialization failures and deadlocks run the whole transaction again.
import type { PushResponse } from '@/protocol/push';
import { compareHlc } from '@/core/hlc';
import type { Caller } from '../../auth/authenticate';
import type { ServerContext } from '../../context';
import { toPushResponse } from './change-results';
import { lockAndLoad } from './load-batch';
import type { ParsedBatch } from './parse-batch';
import { batchKeys, planBatch } from './plan-batch';
import { DEFAULT_RETRY, type RetryOptions, withRetries } from './with-retries';
import { writeBatch } from './write-batch';

export async function pushBatch(
  ctx: ServerContext,
  caller: Caller,
  batch: ParsedBatch,
  retry: RetryOptions = DEFAULT_RETRY,
): Promise<PushResponse> {
  const { recordIds, changeIds } = batchKeys(batch.items);
  const plan = await withRetries(
    () =>
      ctx.database.db.transaction(async (tx) => {
        const loaded = await lockAndLoad(tx, ctx.database.kind, recordIds, changeIds);
        const now = ctx.clock.now();
        const meta = { userId: caller.id, deviceId: batch.deviceId, now };
        const decided = planBatch({ ...meta, items: batch.items, entityIds: caller.entityIds, ...loaded });
        await writeBatch(tx, decided, meta);
        return decided;
      }),
    retry,
  );
  // The server's clock moves past every stamp it stored, so serverHlc is later than all of them.
  const latest = plan.stamps.reduce<string | undefined>((a, s) => (a === undefined || compareHlc(s, a) > 0 ? s : a), undefined);
  if (latest !== undefined) ctx.hlc.observe(latest);
  return toPushResponse(plan.results, ctx.hlc.current());
}
