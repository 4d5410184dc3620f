// POST /api/v1/sync/batch (PROTOCOL.md "Push"): who is calling, their rate limit, the body
// within 2 MiB (413 before parsing), the envelope (400), then the batch.
// Once the token is verified, the body is read and parsed while the caller is loaded from the
// database; its errors still come after those of authentication and the rate limit.
import { MAX_BATCH_BYTES } from '@/protocol/limits';
import { loadCaller, verifyBearer } from '../../auth/authenticate';
import type { ServerContext } from '../../context';
import { readJson } from '../../http/read-json';
import { json } from '../../http/respond';
import { type ParsedBatch, parseBatch } from './parse-batch';
import { pushBatch } from './push-service';

export async function pushHandler(ctx: ServerContext, request: Request): Promise<Response> {
  const userId = await verifyBearer(ctx, request);
  const body = settle(readJson(request, MAX_BATCH_BYTES).then(parseBatch));
  const caller = await loadCaller(ctx, userId);
  await ctx.limits.sync.consume(caller.id);
  const batch = await body;
  if (!batch.ok) throw batch.error;
  return json(200, await pushBatch(ctx, caller, batch.value));
}

type Settled = { ok: true; value: ParsedBatch } | { ok: false; error: unknown };

// Never rejects, so a body error while an earlier check fails is not an unhandled rejection.
function settle(p: Promise<ParsedBatch>): Promise<Settled> {
  return p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}
