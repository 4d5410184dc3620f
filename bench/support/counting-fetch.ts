// A `fetch` over node:http that counts what goes over the wire: requests, bytes written and
// read on the sockets (request lines, headers, bodies, compressed as sent; everything but
// TCP/IP framing), and each request's latency (call to last byte of the body). One instance
// per contender, with its own keep-alive agent, so figures never mix. Asks for gzip/deflate/br
// as a browser does, and decompresses as fetch would.
import http from 'node:http';
import type net from 'node:net';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const brotli = promisify(zlib.brotliDecompress);

export interface TrafficSnapshot {
  readonly requests: number;
  readonly bytes: number;
  readonly latencyIndex: number;
}

export interface Traffic {
  readonly requests: number;
  readonly bytes: number;
  readonly latenciesMs: number[];
}

type HeaderSource = { forEach(cb: (value: string, key: string) => void): void } | Record<string, string> | [string, string][];

export class CountingHttp {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  private readonly sockets = new Set<net.Socket>();
  private requests = 0;
  private readonly latencies: number[] = [];

  readonly fetch = async (input: string | URL | { url: string }, init: RequestInit = {}): Promise<Response> => {
    try {
      return await this.send(input, init);
    } catch (e) {
      // A kept-alive socket the server closed just as we reused it: the request never reached
      // it, so it is sent again once on a new socket (what Node's documentation recommends).
      if ((e as { reusedSocket?: boolean }).reusedSocket) return this.send(input, init);
      throw e;
    }
  };

  private async send(input: string | URL | { url: string }, init: RequestInit): Promise<Response> {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const headers: Record<string, string> = { 'accept-encoding': 'gzip, deflate, br' };
    for (const [k, v] of headerEntries(init.headers as HeaderSource | undefined)) headers[k.toLowerCase()] = v;
    const body = toBuffer(init.body);
    if (body) headers['content-length'] = String(body.length);
    const started = performance.now();
    this.requests++;
    return new Promise<Response>((resolve, reject) => {
      const req = http.request(
        { host: url.hostname, port: url.port, path: url.pathname + url.search, method: init.method ?? 'GET', headers, agent: this.agent },
        (res) => {
          const parts: Buffer[] = [];
          res.on('data', (b: Buffer) => parts.push(b));
          res.on('error', reject);
          res.on('end', () => {
            decode(Buffer.concat(parts), res.headers['content-encoding'])
              .then((decoded) => {
                this.latencies.push(performance.now() - started);
                const out = new Headers();
                for (const [k, v] of Object.entries(res.headers)) {
                  if (v === undefined || k === 'content-encoding' || k === 'content-length') continue;
                  for (const one of Array.isArray(v) ? v : [v]) out.append(k, one);
                }
                const status = res.statusCode ?? 0;
                const noBody = status === 204 || status === 304 || (init.method ?? 'GET') === 'HEAD';
                resolve(new Response(noBody ? null : new Uint8Array(decoded), { status, statusText: res.statusMessage ?? '', headers: out }));
              })
              .catch(reject);
          });
        },
      );
      req.on('socket', (s) => this.sockets.add(s));
      req.on('error', (e: NodeJS.ErrnoException) => {
        const stale = req.reusedSocket && (e.code === 'ECONNRESET' || e.message === 'socket hang up');
        reject(stale ? Object.assign(e, { reusedSocket: true }) : e);
      });
      const signal = init.signal;
      if (signal) {
        if (signal.aborted) req.destroy(new Error('aborted'));
        else signal.addEventListener('abort', () => req.destroy(new Error('aborted')), { once: true });
      }
      req.end(body ?? undefined);
    });
  }

  /** Closes idle kept-alive sockets, so a run never starts on a socket the server may be closing. */
  dropIdle(): void {
    for (const list of Object.values(this.agent.freeSockets)) for (const s of list ?? []) s.destroy();
  }

  snapshot(): TrafficSnapshot {
    return { requests: this.requests, bytes: this.bytes(), latencyIndex: this.latencies.length };
  }

  since(s: TrafficSnapshot): Traffic {
    return { requests: this.requests - s.requests, bytes: this.bytes() - s.bytes, latenciesMs: this.latencies.slice(s.latencyIndex) };
  }

  close(): void {
    this.agent.destroy();
  }

  private bytes(): number {
    let n = 0;
    for (const s of this.sockets) n += s.bytesWritten + s.bytesRead;
    return n;
  }
}

function* headerEntries(h: HeaderSource | undefined): Iterable<[string, string]> {
  if (!h) return;
  if (Array.isArray(h)) {
    yield* h;
  } else if (typeof (h as { forEach?: unknown }).forEach === 'function') {
    const list: [string, string][] = [];
    (h as { forEach(cb: (value: string, key: string) => void): void }).forEach((v, k) => list.push([k, v]));
    yield* list;
  } else {
    yield* Object.entries(h as Record<string, string>);
  }
}

function toBuffer(body: unknown): Buffer | null {
  if (body === undefined || body === null) return null;
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (body instanceof URLSearchParams) return Buffer.from(body.toString());
  throw new Error(`counting fetch: unsupported body type ${Object.prototype.toString.call(body)}`);
}

// Small bodies are decompressed on the spot: a trip to the thread pool costs more than the work,
// and the client's own overhead is not what the bench measures.
const SYNC_DECODE_LIMIT = 64 * 1024;

async function decode(buf: Buffer, encoding: string | undefined): Promise<Buffer> {
  if (buf.length < SYNC_DECODE_LIMIT) {
    if (encoding === 'gzip') return zlib.gunzipSync(buf);
    if (encoding === 'deflate') return zlib.inflateSync(buf);
    if (encoding === 'br') return zlib.brotliDecompressSync(buf);
  }
  switch (encoding) {
    case 'gzip':
      return gunzip(buf);
    case 'deflate':
      return inflate(buf);
    case 'br':
      return brotli(buf);
    default:
      return buf;
  }
}
