// POST /api/v1/sync/batch (PROTOCOL.md "Push"): who is calling, their rate limit, the body
// within 2 MiB (413 before parsing), the envelope (400), then the batch.
// The caller (user and entities) is read with the batch's records, in the push's first
// statement. On the error paths it is read first, so a token of a user who no longer exists is
// 401 before anything about the rate limit or the body.
import { MAX_BATCH_BYTES } from '@/protocol/limits';
import { loadCaller, verifyBearer } from '../../auth/authenticate';
import type { ServerContext } from '../../context';
import { readJson } from '../../http/read-json';
import { json } from '../../http/respond';
import { chargeMeteredRequest, chargePush } from '../../limits/charge';
import { parseBatch } from './parse-batch';
import { pushBatch } from './push-service';

export async function pushHandler(ctx: ServerContext, request: Request): Promise<Response> {
  const userId = await verifyBearer(ctx, request);
  const callerFirst = async (e: unknown): Promise<never> => {
    await loadCaller(ctx, userId);
    throw e;
  };
  await chargeMeteredRequest(ctx, userId).catch(callerFirst);
  const body = await readJson(request, MAX_BATCH_BYTES).catch(callerFirst);
  const batch = await Promise.resolve(body).then(parseBatch).catch(callerFirst);
  await chargePush(ctx, userId, batch.items).catch(callerFirst);
  return json(200, await pushBatch(ctx, userId, batch));
}
