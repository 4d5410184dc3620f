// Applies a parsed batch with a fixed, small number of statements whatever its size, deciding
// on what the database says within the request. First try: one statement reads the caller, the
// batch's records and its change ids; the batch is decided in memory (plan-batch.ts) and written
// in one statement that checks its own row counts (write-batch.ts): if anything it read changed
// in between, it aborts as a serialization failure and leaves nothing. No BEGIN/COMMIT, no lock
// held across a round trip. After such a failure, the batch runs again in a READ COMMITTED
// transaction that first locks its records (lock-records.ts) and reads them there, so under
// contention it cannot lose the race again to another locked batch. Serialization failures and
// deadlocks are retried a bounded number of times (with-retries.ts).
import type { PushResponse } from '@/protocol/push';
import { compareHlc } from '@/core/hlc';
import { type Caller, loadCaller } from '../../auth/authenticate';
import type { ServerContext } from '../../context';
import type { Executor } from '../../db/database';
import { loadFormVersions } from '../../forms/form-versions';
import { announce } from '../events/announce';
import { toPushResponse } from './change-results';
import { pushNotices } from './push-notices';
import { type LoadedBatch, loadCallerAndBatch, lockAndLoad } from './load-batch';
import { type ParsedBatch, dataTexts } from './parse-batch';
import { type BatchPlan, batchKeys, planBatch } from './plan-batch';
import { DEFAULT_RETRY, type RetryOptions, withRetries } from './with-retries';
import { type WriteMeta, writeBatch } from './write-batch';

export async function pushBatch(ctx: ServerContext, userId: string, batch: ParsedBatch, retry: RetryOptions = DEFAULT_RETRY): Promise<PushResponse> {
  const { recordIds, changeIds } = batchKeys(batch.items);
  const { db, kind } = ctx.database;
  const texts = dataTexts(batch.items);
  const metaNow = (): WriteMeta => ({ userId, deviceId: batch.deviceId, now: ctx.clock.now(), dataTexts: texts });
  // The caller as the first try read it, kept for the retries.
  let caller: Caller | undefined;
  // Only a batch with assessments that name a form reads forms (immutable, so read once).
  const forms = await loadFormVersions(db, batch.items);

  const decideAndWrite = async (ex: Executor, loaded: LoadedBatch, caller: Caller): Promise<BatchPlan> => {
    const meta = metaNow();
    const plan = planBatch({ ...meta, items: batch.items, entityIds: caller.entityIds, ...loaded, ...(forms ? { forms } : {}) });
    await writeBatch(ex, plan, meta);
    return plan;
  };
  const plan = await withRetries(async (attempt) => {
    if (attempt === 1) {
      const first = await loadCallerAndBatch(db, userId, recordIds, changeIds);
      caller = first.caller;
      return decideAndWrite(db, first.loaded, caller);
    }
    const known = (caller ??= await loadCaller(ctx, userId));
    return db.transaction(async (tx) => decideAndWrite(tx, await lockAndLoad(tx, kind, recordIds, changeIds), known));
  }, retry);
  // The server's clock moves past every stamp it stored, so serverHlc is later than all of them.
  const latest = plan.stamps.reduce<string | undefined>((a, s) => (a === undefined || compareHlc(s, a) > 0 ? s : a), undefined);
  if (latest !== undefined) ctx.hlc.observe(latest);
  // A hint for live updates: when it is lost, devices still get the writes on their next pull.
  await announce(db, pushNotices(plan)).catch((err: unknown) => ctx.log.warn({ err }, 'live-update notice not sent'));
  return toPushResponse(plan.results, ctx.hlc.current());
}
