// What each request is charged, in one place. Every authenticated request spends one request
// of the user's `sync` budget and one unit of `work`. A push adds its changes (one unit each, or
// one per ~4 KiB of a change's data) once the body is parsed, and a pull or page its bytes
// served; those requests pay their own unit with that charge, so that each costs the limit
// store two statements, not three. Endpoints without a login spend their client address's
// `address` budget.
import type { ServerContext } from '../context';
import { clientAddress } from '../auth/client-address';
import { ApiError } from '../http/api-error';
import { JSON_HEADERS } from '../http/respond';
import type { BatchItem } from '../sync/push/parse-batch';

/** Bytes of pushed data or served page that cost one work unit. */
export const WORK_UNIT_BYTES = 4096;

export async function chargeRequest(ctx: ServerContext, userId: string): Promise<void> {
  await ctx.limits.sync.consume(userId);
  await ctx.limits.work.consume(userId, 1);
}

/** The request of a push, pull or page, whose unit of work is charged with its changes or bytes. */
export async function chargeMeteredRequest(ctx: ServerContext, userId: string): Promise<void> {
  await ctx.limits.sync.consume(userId);
}

/** Units of a pushed batch: each change 1, or one per WORK_UNIT_BYTES of its data when more. */
export function pushUnits(items: readonly BatchItem[]): number {
  let units = 0;
  for (const item of items) units += item.kind === 'valid' ? Math.max(1, Math.ceil((item.dataText?.length ?? 0) / WORK_UNIT_BYTES)) : 1;
  return units;
}

export async function chargePush(ctx: ServerContext, userId: string, items: readonly BatchItem[]): Promise<void> {
  await ctx.limits.work.consume(userId, 1 + pushUnits(items));
}

/**
 * A 200 JSON response whose bytes are charged to the user's work budget first (429 when they
 * are not there: the page is not sent, and the device pulls it again after Retry-After).
 */
export async function chargedJson(ctx: ServerContext, userId: string, body: unknown): Promise<Response> {
  const text = JSON.stringify(body);
  // One unit for the request (chargeMeteredRequest), one per WORK_UNIT_BYTES after the first.
  await ctx.limits.work.consume(userId, 1 + Math.floor(text.length / WORK_UNIT_BYTES));
  return new Response(text, { status: 200, headers: JSON_HEADERS });
}

/**
 * A handler of an endpoint without a login, within its client address's request budget. With
 * `failOpen` a budget that cannot be read (its store is the database, and the database is down)
 * lets the request through: health must say the database is down, not fail with it.
 */
export function addressLimited(ctx: ServerContext, handler: (request: Request) => Promise<Response>, opts: { failOpen?: boolean } = {}) {
  return async (request: Request): Promise<Response> => {
    try {
      await ctx.limits.address.consume(clientAddress(request, ctx.config.trustProxy));
    } catch (e) {
      if (!opts.failOpen || e instanceof ApiError) throw e;
    }
    return handler(request);
  };
}
