// For tests: a real Node http server on 127.0.0.1 (random port), and a raw HTTP client that
// shows what went over the wire (status, headers as sent, body bytes undecoded).
import http, { type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface Listening {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts `server` (or a server around `handler`) on a free port of 127.0.0.1. */
export async function listen(server: Server | ((req: IncomingMessage, res: ServerResponse) => void)): Promise<Listening> {
  const srv = typeof server === 'function' ? http.createServer(server) : server;
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', resolve);
  });
  const { port } = srv.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        srv.closeAllConnections();
        srv.close(() => resolve());
      }),
  };
}

export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** Whether the request went over a kept-alive socket used before. */
  readonly reusedSocket: boolean;
}

export interface RawRequest {
  method?: string;
  headers?: Record<string, string | string[]>;
  /** Written as given, in this many writes (chunked when no content-length header is set). */
  body?: string | Buffer | Array<string | Buffer>;
  agent?: http.Agent;
}

export function send(url: string, opts: RawRequest = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? 'GET', agent: opts.agent ?? false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(parts), reusedSocket: req.reusedSocket }));
    });
    req.on('error', reject);
    for (const [k, v] of Object.entries(opts.headers ?? {})) req.setHeader(k, v);
    const body = opts.body === undefined ? [] : Array.isArray(opts.body) ? opts.body : [opts.body];
    for (const part of body) req.write(part);
    req.end();
  });
}
