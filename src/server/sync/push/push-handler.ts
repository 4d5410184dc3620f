// POST /api/v1/sync/batch (PROTOCOL.md "Push"): who is calling, their rate limit, the body
// within 2 MiB (413 before parsing), the envelope (400), then the batch.
import { MAX_BATCH_BYTES } from '@/protocol/limits';
import { authenticate } from '../../auth/authenticate';
import type { ServerContext } from '../../context';
import { readJson } from '../../http/read-json';
import { json } from '../../http/respond';
import { parseBatch } from './parse-batch';
import { pushBatch } from './push-service';

export async function pushHandler(ctx: ServerContext, request: Request): Promise<Response> {
  const caller = await authenticate(ctx, request);
  await ctx.limits.sync.consume(caller.id);
  const batch = parseBatch(await readJson(request, MAX_BATCH_BYTES));
  return json(200, await pushBatch(ctx, caller, batch));
}
