// GET /api/v1/metrics: the instance's metrics in Prometheus text format, for a bearer equal to
// FIELDSYNC_METRICS_TOKEN (what a Prometheus scrape job sends) or an admin's token; 401 without
// a valid bearer, 403 for a user who is not an admin.
import { timingSafeEqual } from 'node:crypto';
import type { ServerContext } from '../context';
import { requireAdmin } from '../admin/require-admin';

export async function metricsHandler(ctx: ServerContext, request: Request): Promise<Response> {
  if (!scrapeToken(ctx.config.metricsToken, request.headers.get('authorization'))) await requireAdmin(ctx, request);
  const text = await ctx.metrics.registry.metrics();
  return new Response(text, {
    status: 200,
    headers: { 'Content-Type': ctx.metrics.registry.contentType, 'Cache-Control': 'no-store' },
  });
}

function scrapeToken(token: string | undefined, header: string | null): boolean {
  if (!token || header === null) return false;
  const sent = Buffer.from(header.trim());
  const expected = Buffer.from(`Bearer ${token}`);
  return sent.length === expected.length && timingSafeEqual(sent, expected);
}
