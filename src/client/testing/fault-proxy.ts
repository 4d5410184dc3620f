// An HTTP front for several server instances that a test controls, for model tests over real
// sockets: each device talks to its own path prefix (`${url}/d/<n>`), and the proxy sends its
// requests to the instance it is pinned to, or to the next instance in turn. On sync requests it
// injects the faults queued: the connection is cut before the request reaches a server, cut after
// the server answered (so it committed, and the device never hears), cut halfway through the
// answer, delayed, held back to reach a server together with the next one, or answered 503/429
// by the proxy itself.
import http from 'node:http';
import type { NetFault } from './controlled-network';

export type ProxyFault =
  | NetFault
  | { readonly kind: 'cut-response' }
  // held until the next sync request arrives (or `ms` passed), then both go on at the same moment
  | { readonly kind: 'pair'; readonly ms: number };

export type Routing = 'round-robin' | 'pinned';

export interface ProxyEvent {
  readonly device: number;
  readonly instance: number | null;
  readonly path: string;
  readonly outcome: 'ok' | ProxyFault['kind'];
  readonly status?: number;
}

const PREFIX = /^\/d\/(\d+)(\/.*)$/;
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'content-length']);

function forwardable(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
  return out;
}

export class FaultProxy {
  /** Faults for the next sync requests (push and pull), whoever sends them, in order. */
  readonly faults: ProxyFault[] = [];
  readonly log: ProxyEvent[] = [];
  /** Requests each instance answered. */
  readonly served: number[];
  routing: Routing = 'pinned';
  /** Requests at an instance right now, the most there ever were at once, and how many found another there. */
  inFlight = 0;
  maxInFlight = 0;
  overlapped = 0;
  private release: (() => void) | null = null;
  private readonly pins = new Map<number, number>();
  private turn = 0;
  private readonly agent = new http.Agent({ keepAlive: true });

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
    private readonly instances: readonly URL[],
  ) {
    this.served = instances.map(() => 0);
  }

  static async start(instanceUrls: readonly string[]): Promise<FaultProxy> {
    const server = http.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const { port } = server.address() as { port: number };
    const proxy = new FaultProxy(server, `http://127.0.0.1:${port}`, instanceUrls.map((u) => new URL(u)));
    server.on('request', (req, res) => proxy.accept(req, res));
    return proxy;
  }

  /** The base URL device `n` talks to. */
  deviceUrl(n: number): string {
    return `${this.url}/d/${n}`;
  }

  /** Sends device `n`'s later requests to `instance` (with pinned routing). */
  pin(n: number, instance: number): void {
    this.pins.set(n, instance % this.instances.length);
  }

  /** Moves device `n` to the next instance, as a balancer does when its instance goes away. */
  switch(n: number): void {
    this.pin(n, this.instanceOf(n) + 1);
  }

  instanceOf(n: number): number {
    return this.pins.get(n) ?? n % this.instances.length;
  }

  count(outcome: ProxyEvent['outcome']): number {
    return this.log.filter((e) => e.outcome === outcome).length;
  }

  close(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
      this.agent.destroy();
    });
  }

  private accept(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => res.destroy());
    req.on('end', () => void this.handle(req, res, Buffer.concat(chunks)));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> {
    const m = PREFIX.exec(req.url ?? '');
    if (!m) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'NOT_FOUND', message: 'no device prefix' } }));
      return;
    }
    const device = Number(m[1]);
    const path = m[2]!;
    const pathname = path.split('?')[0]!;
    const isSync = pathname.startsWith('/api/v1/sync/');
    const fault = isSync ? this.faults.shift() : undefined;
    if (isSync && this.release) {
      this.release();
      this.release = null;
    }
    const note = (instance: number | null, outcome: ProxyEvent['outcome'], status?: number) =>
      this.log.push({ device, instance, path: pathname, outcome, ...(status !== undefined ? { status } : {}) });
    if (fault?.kind === 'drop-request') {
      note(null, 'drop-request');
      res.socket?.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      note(null, 'status', fault.status);
      const code = fault.status === 429 ? 'RATE_LIMITED' : 'UNAVAILABLE';
      res.writeHead(fault.status, { 'content-type': 'application/json', ...(fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {}) });
      res.end(JSON.stringify({ error: { code, message: 'injected by the test proxy' } }));
      return;
    }
    if (fault?.kind === 'delay') await new Promise((r) => setTimeout(r, fault.ms));
    if (fault?.kind === 'pair') {
      await new Promise<void>((r) => {
        this.release = r;
        setTimeout(r, fault.ms);
      });
    }
    const instance = this.routing === 'pinned' ? this.instanceOf(device) : this.turn++ % this.instances.length;
    let answer: { status: number; headers: http.IncomingHttpHeaders; body: Buffer };
    if (this.inFlight > 0) this.overlapped += 1;
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      answer = await this.forward(this.instances[instance]!, req, path, body);
    } catch (e) {
      note(instance, 'ok', 502);
      res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'BAD_GATEWAY', message: String(e) } }));
      return;
    } finally {
      this.inFlight -= 1;
    }
    this.served[instance]! += 1;
    // The server has answered, so it has committed: what the device hears is up to the fault.
    if (fault?.kind === 'drop-response') {
      note(instance, 'drop-response', answer.status);
      res.socket?.destroy();
      return;
    }
    const headers = { ...forwardable(answer.headers), 'content-length': answer.body.length };
    if (fault?.kind === 'cut-response') {
      note(instance, 'cut-response', answer.status);
      res.writeHead(answer.status, headers);
      res.write(answer.body.subarray(0, answer.body.length >> 1), () => res.socket?.destroy());
      return;
    }
    note(instance, fault?.kind ?? 'ok', answer.status);
    res.writeHead(answer.status, headers);
    res.end(answer.body);
  }

  private forward(target: URL, req: http.IncomingMessage, path: string, body: Buffer) {
    return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const headers = forwardable(req.headers);
      if (body.length > 0) headers['content-length'] = body.length;
      const up = http.request({ agent: this.agent, hostname: target.hostname, port: target.port, method: req.method, path, headers }, (upRes) => {
        const parts: Buffer[] = [];
        upRes.on('data', (c: Buffer) => parts.push(c));
        upRes.on('error', reject);
        upRes.on('end', () => resolve({ status: upRes.statusCode ?? 502, headers: upRes.headers, body: Buffer.concat(parts) }));
      });
      up.on('error', reject);
      up.end(body);
    });
  }
}
