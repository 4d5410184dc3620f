import http from 'node:http';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { type Listening, listen, send } from './http-test-kit';
import { writeWebResponse } from './node-response';

let server: Listening | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A server that writes `make()` for every request. */
async function serving(make: () => Response): Promise<string> {
  server = await listen((req, res) => {
    void writeWebResponse(res, make(), { head: req.method === 'HEAD', acceptEncoding: req.headers['accept-encoding'] });
  });
  return server.url;
}

const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
const bigJson = JSON.stringify({ changes: Array.from({ length: 200 }, (_, i) => ({ id: `record-${i}`, data: { note: 'same text again' } })) });

describe('writeWebResponse', () => {
  it('writes the status, the headers and the body with its length', async () => {
    const url = await serving(() => new Response('{"error":{"code":"CONFLICT"}}', { status: 409, headers: { ...JSON_TYPE, 'retry-after': '5' } }));
    const res = await send(url);
    expect(res.status).toBe(409);
    expect(res.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'retry-after': '5', 'content-length': '29' });
    expect(res.body.toString()).toBe('{"error":{"code":"CONFLICT"}}');
  });

  it('sends each Set-Cookie on its own line', async () => {
    const url = await serving(() => {
      const headers = new Headers({ 'content-type': 'text/plain' });
      headers.append('set-cookie', 'a=1; Path=/; HttpOnly');
      headers.append('set-cookie', 'b=2, with comma; Path=/');
      return new Response('ok', { headers });
    });
    expect((await send(url)).headers['set-cookie']).toEqual(['a=1; Path=/; HttpOnly', 'b=2, with comma; Path=/']);
  });

  it('gzips a JSON body of 1 KiB or more when the client accepts gzip, and says it varies', async () => {
    const url = await serving(() => new Response(bigJson, { headers: JSON_TYPE }));
    const res = await send(url, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers.vary).toBe('Accept-Encoding');
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
    expect(res.body.length).toBeLessThan(bigJson.length / 4);
    expect(zlib.gunzipSync(res.body).toString()).toBe(bigJson);
  });

  it('sends a body under 1 KiB as it is, still saying it varies', async () => {
    const url = await serving(() => new Response('{"status":"ok"}', { headers: JSON_TYPE }));
    const res = await send(url, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers.vary).toBe('Accept-Encoding');
    expect(res.body.toString()).toBe('{"status":"ok"}');
  });

  it('sends as is when the client accepts no compression', async () => {
    const url = await serving(() => new Response(bigJson, { headers: JSON_TYPE }));
    const res = await send(url);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.body.toString()).toBe(bigJson);
  });

  it('adds Accept-Encoding to a Vary the handler set', async () => {
    const url = await serving(() => new Response(bigJson, { headers: { ...JSON_TYPE, vary: 'Authorization' } }));
    expect((await send(url, { headers: { 'accept-encoding': 'gzip' } })).headers.vary).toBe('Authorization, Accept-Encoding');
  });

  it('answers HEAD with the headers and no body', async () => {
    const url = await serving(() => new Response(bigJson, { headers: JSON_TYPE }));
    const res = await send(url, { method: 'HEAD', headers: { 'accept-encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.body.length).toBe(0);
  });

  it('writes 204 without a body', async () => {
    const url = await serving(() => new Response(null, { status: 204, headers: { allow: 'GET' } }));
    const res = await send(url);
    expect(res.status).toBe(204);
    expect(res.headers.allow).toBe('GET');
    expect(res.body.length).toBe(0);
  });

  it('streams a body that comes in several chunks, compressed when negotiated', async () => {
    const parts = ['{"rows":[', ...Array.from({ length: 50 }, (_, i) => `${i ? ',' : ''}{"i":${i},"pad":"${'p'.repeat(100)}"}`), ']}'];
    const stream = () =>
      new ReadableStream<Uint8Array>({
        async start(controller) {
          for (const p of parts) {
            controller.enqueue(new TextEncoder().encode(p));
            await new Promise((resolve) => setTimeout(resolve, 1));
          }
          controller.close();
        },
      });
    const url = await serving(() => new Response(stream(), { headers: JSON_TYPE }));
    const plain = await send(url);
    expect(plain.headers['transfer-encoding']).toBe('chunked');
    expect(plain.body.toString()).toBe(parts.join(''));
    const gzipped = await send(url, { headers: { 'accept-encoding': 'gzip' } });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gzipped.body).toString()).toBe(parts.join(''));
  });

  it('sends an event stream uncompressed, its headers and each event at once', async () => {
    let push!: (text: string) => void;
    const url = await serving(
      () =>
        new Response(
          new ReadableStream<Uint8Array>({ start: (c) => void (push = (t) => c.enqueue(new TextEncoder().encode(t))) }),
          { headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store, no-transform' } },
        ),
    );
    const res = await new Promise<http.IncomingMessage>((resolve, reject) =>
      http.get(url, { headers: { 'accept-encoding': 'gzip' } }, resolve).on('error', reject),
    );
    // The headers came before any event: nothing was held back to look for a second chunk.
    expect(res.headers['content-type']).toBe('text/event-stream');
    expect(res.headers['content-encoding']).toBeUndefined();
    const next = () => new Promise<string>((resolve) => res.once('data', (b: Buffer) => resolve(b.toString())));
    const first = next();
    push('event: changes\ndata: {}\n\n');
    expect(await first).toBe('event: changes\ndata: {}\n\n');
    const second = next();
    push(': keep-alive\n\n');
    expect(await second).toBe(': keep-alive\n\n');
    res.destroy();
  });
});
