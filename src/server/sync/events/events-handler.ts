// GET /api/v1/sync/events (docs/protocol.md "Live updates"): a Server-Sent Events stream of
// hints for the caller (event-hub.ts). The bearer token comes in the Authorization header, never
// the URL; the stream ends when that token expires.
import { decodeJwt } from 'jose';
import { loadCaller, verifyBearer } from '../../auth/authenticate';
import type { ServerContext } from '../../context';
import { chargeRequest } from '../../limits/charge';
import { SSE_HEADERS } from './sse';

export async function liveEvents(ctx: ServerContext, request: Request): Promise<Response> {
  const userId = await verifyBearer(ctx, request);
  const caller = await loadCaller(ctx, userId);
  await chargeRequest(ctx, caller.id);
  const stream = await ctx.events.open(caller, tokenExpiry(request));
  request.signal.addEventListener('abort', () => stream.end(), { once: true });
  return new Response(stream.body, { status: 200, headers: SSE_HEADERS });
}

/** Epoch ms at which the (verified) bearer token expires. */
function tokenExpiry(request: Request): number {
  const token = (request.headers.get('authorization') ?? '').trim().slice('Bearer '.length);
  return (decodeJwt(token).exp ?? 0) * 1000;
}
