import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type Listening, listen, send } from './http-test-kit';
import { toWebRequest } from './node-request';

let server: Listening | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Serves with `inspect(request)`; its JSON result is the response body. */
async function serveWith(inspect: (request: Request, req: IncomingMessage, res: ServerResponse) => Promise<unknown>): Promise<string> {
  server = await listen((req, res) => {
    void (async () => {
      const out = await inspect(toWebRequest(req, res), req, res);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(out));
    })();
  });
  return server.url;
}

const json = (r: { body: Buffer }) => JSON.parse(r.body.toString()) as Record<string, unknown>;

describe('toWebRequest', () => {
  it('keeps the method, and builds the absolute URL on the Host header', async () => {
    const url = await serveWith(async (r) => ({ method: r.method, url: r.url }));
    const res = await send(`${url}/api/v1/sync/pull?limit=5&cursor=a%2Fb`, { method: 'DELETE', headers: { host: 'fieldsync.example:8443' } });
    expect(json(res)).toEqual({ method: 'DELETE', url: 'http://fieldsync.example:8443/api/v1/sync/pull?limit=5&cursor=a%2Fb' });
  });

  it('falls back to 127.0.0.1 when the Host header is not a plain host, so it cannot move the path', async () => {
    const url = await serveWith(async (r) => ({ url: r.url }));
    for (const host of ['evil.example/x?', 'user@evil.example', 'a b', 'a:99999'])
      expect(json(await send(`${url}/api/v1/health?x=1`, { headers: { host } })).url, host).toBe('http://127.0.0.1/api/v1/health?x=1');
  });

  it('passes every header, repeated ones included', async () => {
    const url = await serveWith(async (r) => ({ tag: r.headers.get('x-tag'), auth: r.headers.get('authorization'), cookie: r.headers.get('cookie') }));
    const res = await send(`${url}/api/x`, { headers: { 'x-tag': ['one', 'two'], authorization: 'Bearer t', cookie: 'a=1' } });
    expect(json(res)).toEqual({ tag: 'one, two', auth: 'Bearer t', cookie: 'a=1' });
  });

  it('appends the socket address to x-forwarded-for as its last hop, whatever the client sent', async () => {
    const url = await serveWith(async (r) => ({ xff: r.headers.get('x-forwarded-for') }));
    expect(json(await send(`${url}/api/x`)).xff).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
    expect(json(await send(`${url}/api/x`, { headers: { 'x-forwarded-for': '203.0.113.9' } })).xff).toMatch(/^203\.0\.113\.9, (::ffff:)?127\.0\.0\.1$/);
  });

  it('streams the body of a chunked request', async () => {
    const url = await serveWith(async (r) => ({ text: await r.text(), streamed: r.body !== null }));
    const res = await send(`${url}/api/x`, { method: 'POST', body: ['{"a":', '1,', '"b":"é"}'] });
    expect(json(res)).toEqual({ text: '{"a":1,"b":"é"}', streamed: true });
  });

  it('reads a body with a content-length, and gives none to GET or to a request that declares none', async () => {
    const url = await serveWith(async (r) => ({ text: r.body === null ? null : await r.text() }));
    expect(json(await send(`${url}/api/x`, { method: 'PUT', headers: { 'content-length': '7' }, body: 'a'.repeat(7) })).text).toBe('aaaaaaa');
    expect(json(await send(`${url}/api/x`, { method: 'GET' })).text).toBeNull();
    expect(json(await send(`${url}/api/x`, { method: 'POST', headers: { 'content-length': '0' } })).text).toBe('');
    // No content-length, no transfer-encoding: HTTP/1.1 says there is no body.
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(new URL(url).port), '127.0.0.1', () => socket.end('POST /api/x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n'));
      let out = '';
      socket.on('data', (d: Buffer) => (out += d.toString()));
      socket.on('end', () => resolve(out));
      socket.on('error', reject);
    });
    expect(raw).toContain(`{"text":null}`);
  });

  it('hands a body of up to 512 KiB over whole, in one piece', async () => {
    const url = await serveWith(async (r) => {
      const reader = r.body!.getReader();
      const sizes: number[] = [];
      for (let x = await reader.read(); !x.done; x = await reader.read()) sizes.push(x.value.byteLength);
      return sizes;
    });
    const body = Array.from({ length: 32 }, () => Buffer.alloc(16 * 1024, 'z'));
    const res = await send(`${url}/api/x`, { method: 'POST', headers: { 'content-length': String(512 * 1024) }, body });
    expect(json(res)).toEqual([512 * 1024]);
  });

  it('streams a large body in pieces, with back-pressure, to the end', async () => {
    const url = await serveWith(async (r) => {
      let size = 0;
      let chunks = 0;
      const reader = r.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        chunks++;
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      return { size, chunks };
    });
    const big = Buffer.alloc(1024 * 1024, 'x');
    const res = json(await send(`${url}/api/x`, { method: 'POST', headers: { 'content-length': String(big.length) }, body: big }));
    expect(res.size).toBe(big.length);
    expect(res.chunks).toBeGreaterThan(1);
  });

  it('gives up on a small body whose client goes away before sending all of it', async () => {
    let settled!: (value: string) => void;
    const outcome = new Promise<string>((resolve) => (settled = resolve));
    server = await listen((req, res) => {
      toWebRequest(req, res)
        .arrayBuffer()
        .then(
          () => settled('resolved'),
          () => settled('rejected'),
        );
    });
    const client = http.request(`${server.url}/api/x`, { method: 'POST', agent: false, headers: { 'content-length': '1000' } });
    client.on('error', () => {});
    client.write('x'.repeat(100));
    await new Promise((resolve) => setTimeout(resolve, 100));
    client.destroy();
    expect(await outcome).toBe('rejected');
  });

  it('hands the request over before its body arrives, and reads nothing of it until the handler does', async () => {
    let request!: Request;
    let incoming!: IncomingMessage;
    let client!: http.ClientRequest;
    const arrived = new Promise<void>((resolve) => {
      void listen((req, res) => {
        incoming = req;
        request = toWebRequest(req, res);
        resolve();
      }).then((s) => {
        server = s;
        client = http.request(`${s.url}/api/x`, { method: 'POST', agent: false, headers: { 'content-length': String(512 * 1024) } });
        client.on('error', () => {});
        client.write(Buffer.alloc(256 * 1024, 'q'));
      });
    });
    // Half the body sent and stalled: a handler could answer 401 now without holding any of it.
    await arrived;
    await new Promise((resolve) => setTimeout(resolve, 100));
    // At most one socket read of it is buffered; the rest waits in the kernel, not in our heap.
    expect(incoming.readableLength).toBeLessThanOrEqual(64 * 1024);
    expect(request.bodyUsed).toBe(false);
    client.end(Buffer.alloc(256 * 1024, 'q'));
    const body = new Uint8Array(await request.arrayBuffer());
    expect(body.byteLength).toBe(512 * 1024);
  });

  it('aborts the signal when the client goes away before the answer', async () => {
    let aborted!: (value: boolean) => void;
    const wasAborted = new Promise<boolean>((resolve) => (aborted = resolve));
    server = await listen((req, res) => {
      toWebRequest(req, res).signal.addEventListener('abort', () => aborted(true));
      setTimeout(() => aborted(false), 5_000).unref();
    });
    const client = http.request(`${server.url}/api/x`, { agent: false });
    client.on('error', () => {});
    client.end();
    await new Promise((resolve) => setTimeout(resolve, 100));
    client.destroy();
    expect(await wasAborted).toBe(true);
  });

  it('does not abort the signal of a request that was answered', async () => {
    const signals: AbortSignal[] = [];
    server = await listen((req, res) => {
      signals.push(toWebRequest(req, res).signal);
      res.end('ok');
    });
    await send(`${server.url}/api/x`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(signals[0]!.aborted).toBe(false);
  });

  it('discards a body the handler left unread, so the kept-alive connection serves the next request', async () => {
    server = await listen((req, res) => {
      toWebRequest(req, res); // never reads the body, like a 401 before parsing
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end('{}');
    });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const big = Buffer.alloc(512 * 1024, 'x');
      const first = await send(`${server.url}/api/x`, { method: 'POST', headers: { 'content-length': String(big.length) }, body: big, agent });
      const second = await send(`${server.url}/api/x`, { method: 'POST', headers: { 'content-length': '2' }, body: '{}', agent });
      expect([first.status, second.status]).toEqual([401, 401]);
      expect(second.reusedSocket).toBe(true);
    } finally {
      agent.destroy();
    }
  });

  it('lets a handler stop reading midway (413) and still answer', async () => {
    const url = await serveWith(async (r) => {
      const reader = r.body!.getReader();
      const { value } = await reader.read();
      await reader.cancel();
      return { first: value!.byteLength > 0 };
    });
    const res = await send(`${url}/api/x`, { method: 'POST', body: Array.from({ length: 64 }, () => Buffer.alloc(16 * 1024, 'y')) });
    expect(res.status).toBe(200);
    expect(json(res)).toEqual({ first: true });
  });
});
