// GET /api/v1/health (no auth): 200 when the database answers, 503 when it does not.
import type { HealthResponse } from '@/protocol/status';
import type { ServerContext } from '../context';
import { json } from '../http/respond';

const PING_TIMEOUT_MS = 3_000;

export async function health(ctx: ServerContext, _request: Request): Promise<Response> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const ok = await Promise.race([
    ctx.database.ping().then(
      () => true,
      () => false,
    ),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS);
    }),
  ]);
  clearTimeout(timer);
  const body: HealthResponse = ok ? { status: 'ok', db: 'ok' } : { status: 'unavailable', db: 'down' };
  return json(ok ? 200 : 503, body, ok ? {} : { 'Retry-After': '5' });
}
