// A small HTTP load balancer for tests and the bench: each request goes to the next of several
// server instances in turn, as a round-robin balancer in front of a deployment sends it.
//
//   const proxy = await startRoundRobinProxy([a.url, b.url, c.url]);
//   await fetch(`${proxy.url}/api/v1/health`);   // a, then b, then c, then a…
//
// - Bodies are read whole before forwarding (a connection that is refused can then go to the
//   next instance, as balancers do for an instance that stopped listening); responses stream
//   through unbuffered, so Server-Sent Events work.
// - Headers are forwarded without the hop-by-hop ones; the address of the connection the proxy
//   accepted is appended to `X-Forwarded-For` (servers behind it run with FIELDSYNC_TRUST_PROXY=1).
// - Upstream connections are kept alive. Only a refused connection is tried on the next
//   instance (nothing reached the server); any other failure answers 502 BAD_GATEWAY, whose
//   request the client may retry.
import http from 'node:http';

export interface RoundRobinProxy {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Requests each upstream answered, in the order the upstreams were given. */
  readonly served: readonly number[];
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'content-length']);

function forwardable(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
  return out;
}

function badGateway(res: http.ServerResponse, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ error: { code: 'BAD_GATEWAY', message } });
  res.writeHead(502, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export async function startRoundRobinProxy(upstreams: readonly string[], opts: { host?: string; port?: number } = {}): Promise<RoundRobinProxy> {
  if (upstreams.length === 0) throw new Error('a round-robin proxy needs at least one upstream');
  const targets = upstreams.map((u) => new URL(u));
  const served = upstreams.map(() => 0);
  const agent = new http.Agent({ keepAlive: true });
  let next = 0;

  const forward = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, tried: number): void => {
    const i = next++ % targets.length;
    const target = targets[i]!;
    const prior = req.headers['x-forwarded-for'];
    const headers = forwardable(req.headers);
    headers['x-forwarded-for'] = `${prior ? `${String(prior)}, ` : ''}${req.socket.remoteAddress ?? 'unknown'}`;
    if (body.length > 0 || req.method === 'POST' || req.method === 'PUT' || req.method === 'PATCH') headers['content-length'] = body.length;
    const up = http.request({ agent, hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers });
    up.on('response', (upRes) => {
      served[i]!++;
      res.writeHead(upRes.statusCode ?? 502, forwardable(upRes.headers));
      upRes.pipe(res);
      upRes.on('error', () => res.destroy());
    });
    up.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNREFUSED' && tried + 1 < targets.length) forward(req, res, body, tried + 1);
      else badGateway(res, `upstream ${target.host}: ${e.code ?? e.message}`);
    });
    // The client went away (a closed event stream): so does the upstream request.
    res.on('close', () => {
      if (!res.writableFinished) up.destroy();
    });
    up.end(body);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => forward(req, res, Buffer.concat(chunks), 0));
    req.on('error', () => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve);
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
    served,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
