// The network between the devices and the server instances: an HTTP proxy on 127.0.0.1 that
// round-robins the instances that are up and, while faults are on, picks for each sync or login
// request a fault from the run's seeded generator:
//   drop-request   the connection is cut before anything is forwarded;
//   drop-response  the request is forwarded, the server answers (and commits), the client gets a reset;
//   reset-mid-body half of the request body reaches the server, then both connections are cut;
//   delay          the request is held past the client's timeout, then forwarded (it may commit);
//   storm          for a while every request is answered 503 or 429 with Retry-After;
//   cut-upload     a photo's tus PATCH: part of the chunk reaches the server, then both
//                  connections are cut (the device resumes from the offset the server kept).
// Media upload requests (tus POST, HEAD, PATCH) meet the same faults as sync requests.
// Bodies are read whole first (so a refused connection can go to another instance, as a
// balancer does); responses are read whole too (so drop-response happens after the answer).
import http from 'node:http';
import type { Rng } from './prng';

export type ProxyFault = 'drop-request' | 'drop-response' | 'reset-mid-body' | 'delay' | 'storm' | 'cut-upload';
export const PROXY_FAULTS: readonly ProxyFault[] = ['drop-request', 'drop-response', 'reset-mid-body', 'delay', 'storm', 'cut-upload'];

export interface FaultProxyOptions {
  readonly rng: Rng;
  /** The devices' request timeout: a delay fault holds a request longer than this. */
  readonly clientTimeoutMs: number;
  /** Chance that a sync or login request meets a fault while faults are on. */
  readonly faultRate: number;
  /** A fault was injected (for the run's counts). */
  readonly injected: (kind: ProxyFault) => void;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'content-length']);

function forwardable(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
  return out;
}

function answer(res: http.ServerResponse, status: number, code: string, message: string, headers: http.OutgoingHttpHeaders = {}): void {
  if (res.headersSent) return void res.destroy();
  const body = JSON.stringify({ error: { code, message } });
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

interface Upstream {
  readonly port: number;
  readonly up: boolean;
}

export class FaultProxy {
  faultsOn = false;
  private readonly upstreams: Upstream[] = [];
  private next = 0;
  private stormUntil = 0;
  private stormStatus = 503;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  private readonly server: http.Server;
  private timers = new Set<NodeJS.Timeout>();
  port = 0;
  /** Requests seen, in all and by method and route ("PATCH media/uploads"). */
  requests = 0;
  readonly byRoute: Record<string, number> = {};
  /** The answers that reached the devices, by route and status (storms included). */
  readonly answers: Record<string, number> = {};

  constructor(private readonly o: FaultProxyOptions) {
    this.server = http.createServer((req, res) => this.handle(req, res));
    // Connections the proxy itself cuts raise errors on their sockets: expected, never fatal.
    this.server.on('clientError', (_e, socket) => socket.destroy());
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', resolve);
    });
    this.port = (this.server.address() as { port: number }).port;
    return `http://127.0.0.1:${this.port}`;
  }

  setUpstreams(ports: readonly number[]): void {
    this.upstreams.length = 0;
    for (const port of ports) this.upstreams.push({ port, up: true });
  }

  /** An instance is down (killed) or back: requests go to the others meanwhile. */
  mark(port: number, up: boolean): void {
    const i = this.upstreams.findIndex((x) => x.port === port);
    if (i >= 0) this.upstreams[i] = { port, up };
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    this.agent.destroy();
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private routeOf(req: http.IncomingMessage): string {
    return `${req.method} ${(req.url ?? '').replace(/^\/api\/v1\//, '').split(/[/?]/).slice(0, 2).join('/')}`;
  }

  private answered(req: http.IncomingMessage, status: number): void {
    const key = `${this.routeOf(req)} ${status}`;
    this.answers[key] = (this.answers[key] ?? 0) + 1;
  }

  private choose(req: http.IncomingMessage): ProxyFault | null {
    this.requests += 1;
    const url = req.url ?? '';
    const route = this.routeOf(req);
    this.byRoute[route] = (this.byRoute[route] ?? 0) + 1;
    if (!this.faultsOn) return null;
    const upload = url.startsWith('/api/v1/media/uploads');
    if (!upload && !url.startsWith('/api/v1/sync/') && !url.startsWith('/api/v1/auth/login')) return null;
    if (Date.now() < this.stormUntil) return 'storm';
    if (this.o.rng() >= this.o.faultRate) return null;
    const r = this.o.rng();
    const kind: ProxyFault =
      upload && req.method === 'PATCH' && r < 0.6
        ? 'cut-upload'
        : r < 0.25
          ? 'drop-request'
          : r < 0.55
            ? 'drop-response'
            : r < 0.75
              ? 'reset-mid-body'
              : r < 0.9
                ? 'delay'
                : 'storm';
    this.o.injected(kind);
    if (kind === 'storm') {
      this.stormUntil = Date.now() + 500 + Math.floor(this.o.rng() * 1500);
      this.stormStatus = this.o.rng() < 0.5 ? 503 : 429;
    }
    return kind;
  }

  private readonly watched = new WeakSet<object>();

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => res.destroy());
    res.on('error', () => undefined);
    // Once per connection (keep-alive carries many requests): a reset is a fault we made.
    if (!this.watched.has(req.socket)) {
      this.watched.add(req.socket);
      req.socket.on('error', () => undefined);
    }
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const fault = this.choose(req);
      switch (fault) {
        case 'storm':
          this.answered(req, this.stormStatus);
          return answer(res, this.stormStatus, this.stormStatus === 503 ? 'UNAVAILABLE' : 'RATE_LIMITED', 'chaos storm', { 'retry-after': '1' });
        case 'drop-request':
          return void req.socket.destroy();
        case 'delay':
          // The client gives up first; the server may still take the request and commit it.
          return this.later(this.o.clientTimeoutMs + 500, () => this.forward(req, res, body, 0, 'discard'));
        case 'reset-mid-body':
          return this.forward(req, res, body, 0, 'cut', 0.5);
        case 'cut-upload':
          return this.forward(req, res, body, 0, 'cut', 0.05 + this.o.rng() * 0.9);
        case 'drop-response':
          return this.forward(req, res, body, 0, 'drop');
        default:
          return this.forward(req, res, body, 0, 'pass');
      }
    });
  }

  private pickUpstream(): Upstream | null {
    const n = this.upstreams.length;
    for (let k = 0; k < n; k++) {
      const u = this.upstreams[this.next++ % n]!;
      if (u.up) return u;
    }
    return null;
  }

  /** `part`: the share of the body a cut lets through. */
  private forward(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, tried: number, mode: 'pass' | 'drop' | 'cut' | 'discard', part = 0.5): void {
    const target = this.pickUpstream();
    if (!target) return answer(res, 502, 'BAD_GATEWAY', 'no instance is up');
    const headers = forwardable(req.headers);
    headers['x-forwarded-for'] = req.socket.remoteAddress ?? '127.0.0.1';
    if (body.length > 0 || req.method === 'POST' || req.method === 'PUT' || req.method === 'PATCH') headers['content-length'] = body.length;
    const up = http.request({ agent: this.agent, hostname: '127.0.0.1', port: target.port, method: req.method, path: req.url, headers });
    up.on('response', (upRes) => {
      const parts: Buffer[] = [];
      upRes.on('data', (c: Buffer) => parts.push(c));
      upRes.on('error', () => res.destroy());
      upRes.on('end', () => {
        if (mode === 'drop' || mode === 'discard') return void res.destroy();
        const out = forwardable(upRes.headers);
        const payload = Buffer.concat(parts);
        out['content-length'] = payload.length;
        if (res.destroyed) return;
        this.answered(req, upRes.statusCode ?? 502);
        res.writeHead(upRes.statusCode ?? 502, out);
        res.end(payload);
      });
    });
    up.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNREFUSED' && tried + 1 < this.upstreams.length && mode !== 'cut') this.forward(req, res, body, tried + 1, mode, part);
      else if (mode === 'cut' || mode === 'discard') res.destroy();
      else answer(res, 502, 'BAD_GATEWAY', `upstream ${target.port}: ${e.code ?? e.message}`);
    });
    if (mode === 'cut') {
      // Part of the body reaches the server, then the connection resets under it and the client.
      up.write(body.subarray(0, Math.floor(body.length * part)));
      this.later(50, () => {
        up.destroy();
        res.destroy();
      });
      return;
    }
    up.end(body);
  }
}
