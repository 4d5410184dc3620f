// The process's one HTTP server. Requests the API routing table takes (api-routes.ts: paths
// under /api/) are answered by the API handlers straight from Node's http server, without
// Next.js's request pipeline; everything else (pages, static assets, the service worker, and
// the few /api requests Next.js rewrites or redirects first) goes to Next.js. Both come in as
// arguments, so a test can pass the real API and a stand-in for Next.js. What Next.js would do
// to a request before its route handler (middleware, next.config headers, redirects, rewrites;
// the app has none) does not happen to the requests answered here.
//
// Every API answer carries the API's security headers (http/security-headers.ts); the answers
// that need no handler (OPTIONS, a malformed path, an unknown method) are api-dispatch.ts's.
// Timeouts are explicit (config.ts): a client gets `headersTimeoutMs` to send its headers and
// `requestTimeoutMs` for the whole request; an idle kept-alive connection is closed after
// `keepAliveTimeoutMs`, longer than a load balancer's usual 60 s, so that the balancer never
// reuses a connection being closed.
// While the instance drains (graceful-shutdown.ts) every API answer says `Connection: close`.
//
// Nothing a request does may take the process down: a handler that throws (or a body that fails
// before anything was sent) answers the protocol's JSON 500 (toErrorResponse); anything else
// answers a plain 500 as `next start` did, or ends the connection when the answer is half sent.
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { ApiName } from '../api';
import { type Handler, toErrorResponse } from '../http/handler';
import { API_SECURITY_HEADERS } from '../http/security-headers';
import type { Logger } from '../log';
import { fixedAnswer } from './api-dispatch';
import { matchApiRoute } from './api-routes';
import { toWebRequest } from './node-request';
import { writeWebResponse } from './node-response';

export interface HttpServerOptions {
  /** The handler of an API name (in production `route` of runtime.ts: 503 while the database is down). */
  api: (name: ApiName) => Handler;
  /** Answers every request the API does not (in production Next.js's request handler). */
  next: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  log: Logger;
  timeouts?: ServerTimeouts;
  /** True once the instance drains (graceful-shutdown.ts): API answers then close their connection. */
  draining?: () => boolean;
}

export interface ServerTimeouts {
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
}

export function createHttpServer(opts: HttpServerOptions): Server {
  const handlers = new Map<ApiName, Handler>();
  const handlerOf = (name: ApiName): Handler => {
    let h = handlers.get(name);
    if (!h) handlers.set(name, (h = opts.api(name)));
    return h;
  };

  async function serveApi(req: IncomingMessage, res: ServerResponse, name: ApiName, head: boolean): Promise<void> {
    const request = toWebRequest(req, res);
    const acceptEncoding = request.headers.get('accept-encoding') ?? undefined;
    const write = (response: Response) => {
      // Decided at the answer, not the request: a request that began before the drain ends its connection too.
      if (opts.draining?.() && !res.headersSent) res.setHeader('Connection', 'close');
      return writeWebResponse(res, response, { head, acceptEncoding });
    };
    let response: Response;
    try {
      response = await handlerOf(name)(request);
    } catch (e) {
      response = toErrorResponse(opts.log, request, e);
    }
    try {
      await write(response);
    } catch (e) {
      if (res.headersSent) throw e;
      await write(toErrorResponse(opts.log, request, e));
    }
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const match = url.startsWith('/api/') ? matchApiRoute(req.method, pathOf(url)) : null;
    try {
      if (match === null) return await opts.next(req, res);
      for (const name in API_SECURITY_HEADERS) res.setHeader(name, API_SECURITY_HEADERS[name]!);
      if (match.kind === 'handler') await serveApi(req, res, match.name, match.head);
      else await writeWebResponse(res, fixedAnswer(match, req.method), { head: req.method === 'HEAD', acceptEncoding: undefined });
    } catch (e) {
      opts.log.error({ err: e, url, method: req.method }, 'request failed');
      // As `next start` answered a failure of its own handler; a half-sent answer cannot be mended.
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('Internal Server Error');
      } else res.destroy();
    }
  }

  const server = createServer((req, res) => void serve(req, res));
  if (opts.timeouts) {
    server.headersTimeout = opts.timeouts.headersTimeoutMs;
    server.requestTimeout = opts.timeouts.requestTimeoutMs;
    server.keepAliveTimeout = opts.timeouts.keepAliveTimeoutMs;
  }
  return server;
}

function pathOf(url = '/'): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}
