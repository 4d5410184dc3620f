// The feed lag in the logs: a warning when it is past `config.feedLagWarnSeconds`, at most once a
// minute per process (per server context), whichever request measured it. Pulls measure it
// themselves at most once a minute, so a stalled feed is logged even when nobody polls health.
import type { ServerContext } from '../context';
import { measureFeedLag } from './feed-lag';

const WARN_EVERY_MS = 60_000;

interface LagState {
  lastWarnAt: number;
  lastPullCheckAt: number;
}
const states = new WeakMap<ServerContext, LagState>();

function stateOf(ctx: ServerContext): LagState {
  let s = states.get(ctx);
  if (!s) {
    s = { lastWarnAt: -Infinity, lastPullCheckAt: -Infinity };
    states.set(ctx, s);
  }
  return s;
}

/** Whether `seconds` is past the threshold; logs a warning if so and none was logged this minute. */
export function reportFeedLag(ctx: ServerContext, seconds: number): boolean {
  const degraded = seconds > ctx.config.feedLagWarnSeconds;
  const s = stateOf(ctx);
  const now = ctx.clock.now();
  if (degraded && now - s.lastWarnAt >= WARN_EVERY_MS) {
    s.lastWarnAt = now;
    ctx.log.warn(
      { feedLagSeconds: seconds, thresholdSeconds: ctx.config.feedLagWarnSeconds },
      'pull feed held back by an open transaction on the database cluster: writes stay invisible to devices until it ends (docs/operations.md, "Feed lag")',
    );
  }
  return degraded;
}

/** After a pull: measures the lag in the background, at most once a minute. Never fails the pull. */
export function notePullFeedLag(ctx: ServerContext): void {
  if (ctx.database.kind === 'pglite') return;
  const s = stateOf(ctx);
  const now = ctx.clock.now();
  if (now - s.lastPullCheckAt < WARN_EVERY_MS) return;
  s.lastPullCheckAt = now;
  measureFeedLag(ctx.database).then(
    (seconds) => reportFeedLag(ctx, seconds),
    () => undefined,
  );
}
