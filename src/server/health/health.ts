// GET /api/v1/health (no auth): readiness. 503 `unavailable` once the instance drains (SIGTERM,
// drain.ts: the database is not asked then), so the load balancer stops sending it requests;
// else 200 `ok` when the database answers, with `feed: degraded` and the lag when an open
// transaction has held the pull feed back for longer than `config.feedLagWarnSeconds`
// (feed-lag.ts); 503 when the database does not answer. Liveness is live.ts.
import type { HealthResponse } from '@/protocol/status';
import type { ServerContext } from '../context';
import { json } from '../http/respond';
import { measureFeedLag } from './feed-lag';
import { reportFeedLag } from './feed-lag-report';

const PING_TIMEOUT_MS = 3_000;

/** The promise's value, or undefined when it fails or takes longer than `ms`. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise.catch(() => undefined),
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export async function health(ctx: ServerContext, _request: Request): Promise<Response> {
  if (ctx.drain.draining) {
    const draining: HealthResponse = { status: 'unavailable', db: 'ok' };
    return json(503, draining);
  }
  const ok = (await within(ctx.database.ping().then(() => true), PING_TIMEOUT_MS)) === true;
  if (!ok) {
    const down: HealthResponse = { status: 'unavailable', db: 'down' };
    return json(503, down, { 'Retry-After': '5' });
  }
  // A lag that cannot be measured (a slow or refused look at pg_stat_activity) leaves health as it is.
  const lag = await within(measureFeedLag(ctx.database), PING_TIMEOUT_MS);
  const body: HealthResponse = { status: 'ok', db: 'ok' };
  if (lag !== undefined) {
    body.feedLagSeconds = lag;
    body.feed = reportFeedLag(ctx, lag) ? 'degraded' : 'ok';
  }
  return json(200, body);
}
