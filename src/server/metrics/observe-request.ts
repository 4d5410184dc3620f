// What every API request goes through first: a request id (http/request-id.ts) on every log
// line of the request and in the answer's X-Request-Id, its count and latency in the metrics
// by route (the handler's name), method and status, and one access log line at debug level
// (info would log every push and pull of every device; metrics give the totals).
import type { Logger } from '../log';
import { withRequestLog } from '../log';
import { REQUEST_ID_HEADER, requestIdOf } from '../http/request-id';
import { withHeaders } from '../http/with-headers';
import type { Metrics } from './metrics';

type Handler = (request: Request) => Promise<Response>;

export function observeRequest(metrics: Metrics, log: Logger, route: string, handler: Handler): Handler {
  return (request) => {
    const reqId = requestIdOf(request);
    return withRequestLog(reqId, async () => {
      const started = performance.now();
      metrics.inFlight.inc();
      let response: Response;
      try {
        response = await handler(request);
      } finally {
        metrics.inFlight.dec();
      }
      const seconds = (performance.now() - started) / 1000;
      const labels = { route, method: request.method, status: String(response.status) };
      metrics.requests.inc(labels);
      metrics.duration.observe(labels, seconds);
      log.debug({ method: request.method, route, status: response.status, ms: Math.round(seconds * 1000) }, 'request');
      return withHeaders(response, { [REQUEST_ID_HEADER]: reqId });
    });
  };
}

/** Every handler of `handlers` observed under its own name. */
export function observeAll<T extends Record<string, Handler>>(metrics: Metrics, log: Logger, handlers: T): T {
  const out: Record<string, Handler> = {};
  for (const [name, handler] of Object.entries(handlers)) out[name] = observeRequest(metrics, log, name, handler);
  return out as T;
}
