// The process's one HTTP server. Requests the API routing table takes (api-routes.ts: paths
// under /api/) are answered by the API handlers straight from Node's http server, without
// Next.js's request pipeline; everything else (pages, static assets, the service worker, and
// the few /api requests Next.js rewrites or redirects first) goes to Next.js. Both come in as
// arguments, so a test can pass the real API and a stand-in for Next.js. What Next.js would do
// to a request before its route handler (middleware, next.config headers, redirects, rewrites;
// the app has none) does not happen to the requests answered here.
//
// Every API answer carries the API's security headers (http/security-headers.ts), and a path
// under /api/ with a malformed percent-escape is 400 JSON. Timeouts are explicit (config.ts):
// a client gets `headersTimeoutMs` to send its headers and `requestTimeoutMs` for the whole
// request; an idle kept-alive connection is closed after `keepAliveTimeoutMs`, longer than a
// load balancer's usual 60 s, so that the balancer never reuses a connection being closed.
//
// Nothing a request does may take the process down: a handler that throws (or a body that fails
// before anything was sent) answers the protocol's JSON 500 (toErrorResponse); anything else
// answers a plain 500 as `next start` did, or ends the connection when the answer is half sent.
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { ApiName } from '../api';
import { ApiError, badRequest } from '../http/api-error';
import { type Handler, toErrorResponse } from '../http/handler';
import { errorResponse } from '../http/respond';
import { API_SECURITY_HEADERS } from '../http/security-headers';
import type { Logger } from '../log';
import { ALLOW, matchApiRoute } from './api-routes';
import { toWebRequest } from './node-request';
import { writeWebResponse } from './node-response';

export interface HttpServerOptions {
  /** The handler of an API name (in production `route` of runtime.ts: 503 while the database is down). */
  api: (name: ApiName) => Handler;
  /** Answers every request the API does not (in production Next.js's request handler). */
  next: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  log: Logger;
  timeouts?: ServerTimeouts;
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
    const write = (response: Response) => writeWebResponse(res, response, { head, acceptEncoding });
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
      if (match.kind === 'malformed' || match.kind === 'unsupported-method') {
        const error =
          match.kind === 'malformed'
            ? badRequest('the path has a malformed percent-escape')
            : new ApiError(405, 'METHOD_NOT_ALLOWED', `the API does not accept ${req.method}`, undefined, { Allow: ALLOW });
        await writeWebResponse(res, errorResponse(error), { head: req.method === 'HEAD', acceptEncoding: undefined });
      } else if (match.kind === 'options') {
        res.writeHead(204, { allow: ALLOW });
        res.end();
      } else await serveApi(req, res, match.name, match.head);
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
