import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { gzipText } from './compress';
import { HttpError, NetworkError, ProtocolError, TimeoutError, UnauthorizedError } from './errors';
import type { FetchLike } from './env';
import { FakeTime } from './testing/fake-env';
import { createTransport, parseRetryAfter } from './transport';

const HLC = '2026-11-26T07:04:45.123Z-0000-server';
const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

function transport(fetch: FetchLike, time = new FakeTime(), compress: ((text: string) => Promise<Uint8Array>) | null = null) {
  return createTransport({ fetch, baseUrl: 'https://fs.example/', timers: time, clock: time, timeoutMs: 1000, compress });
}

const OK_PUSH = { successful: [], conflicts: [], failed: [], serverHlc: HLC };
const bigPush = { deviceId: 'dev_1', changes: Array.from({ length: 20 }, (_, i) => ({ changeId: `c${i}`, note: 'the same words again and again' })) } as never;

interface Sent {
  encoding: string | null;
  text: string;
}
/** What a push request carried, decoded as the server decodes it. */
async function sent(init: RequestInit | undefined): Promise<Sent> {
  const encoding = new Headers(init?.headers).get('content-encoding');
  const bytes = new Uint8Array(await new Response(init?.body).arrayBuffer());
  return { encoding, text: encoding === 'gzip' ? gunzipSync(bytes).toString('utf8') : new TextDecoder().decode(bytes) };
}

describe('HTTP transport', () => {
  it('sends the bearer token and parses a push answer with the protocol schema', async () => {
    let seen: { url: string; auth: string | null } | null = null;
    const t = transport(async (url, init) => {
      seen = { url, auth: new Headers(init?.headers).get('authorization') };
      return json(200, { successful: [], conflicts: [], failed: [], serverHlc: HLC, extra: 'ignored' });
    });
    const res = await t.push('tok', { deviceId: 'dev_1', changes: [] });
    expect(res.serverHlc).toBe(HLC);
    expect(seen).toEqual({ url: 'https://fs.example/api/v1/sync/batch', auth: 'Bearer tok' });
  });

  /** A transport compressing with `compress`, whose pushes are recorded as sent; `answer` replies to each. */
  function recording(compress: (text: string) => Promise<Uint8Array>, answer: (s: Sent) => Response = () => json(200, OK_PUSH)) {
    const seen: Sent[] = [];
    const t = transport(
      async (_url, init) => {
        const s = await sent(init);
        seen.push(s);
        return answer(s);
      },
      new FakeTime(),
      compress,
    );
    return { t, seen };
  }

  it('sends a push of 1 KB or more gzip-encoded when it can compress, a smaller one as it is', async () => {
    const { t, seen } = recording(gzipText);
    await t.push('tok', bigPush);
    await t.push('tok', { deviceId: 'dev_1', changes: [] });
    expect(seen.map((s) => s.encoding)).toEqual(['gzip', null]);
    expect(JSON.parse(seen[0]!.text)).toEqual(bigPush);
    expect(JSON.parse(seen[1]!.text)).toEqual({ deviceId: 'dev_1', changes: [] });
  });

  it('sends a push again as it is when the server refuses its coding (415), and every later push too', async () => {
    const { t, seen } = recording(gzipText, (s) =>
      s.encoding ? json(415, { error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'no gzip here' } }) : json(200, OK_PUSH),
    );
    expect((await t.push('tok', bigPush)).serverHlc).toBe(HLC);
    await t.push('tok', bigPush);
    expect(seen.map((s) => s.encoding)).toEqual(['gzip', null, null]);
    expect(seen.every((s) => JSON.stringify(JSON.parse(s.text)) === JSON.stringify(bigPush))).toBe(true);
  });

  it('sends a push as it is when compressing it fails', async () => {
    const { t, seen } = recording(() => Promise.reject(new Error('no memory for the compressor')));
    await t.push('tok', bigPush);
    expect(seen.map((s) => s.encoding)).toEqual([null]);
  });

  it('puts cursor and limit in the pull query', async () => {
    let url = '';
    const t = transport(async (u) => {
      url = u;
      return json(200, { changes: [], entities: [], removedEntityIds: [], cursor: 'c2', hasMore: false, serverHlc: HLC });
    });
    await t.pull('tok', 'c 1', 50);
    expect(url).toBe('https://fs.example/api/v1/sync/pull?limit=50&cursor=c+1');
  });

  it('turns a failed fetch into NetworkError', async () => {
    const t = transport(async () => {
      throw new TypeError('fetch failed');
    });
    await expect(t.push('tok', { deviceId: 'd', changes: [] })).rejects.toBeInstanceOf(NetworkError);
  });

  it('aborts after the timeout with TimeoutError', async () => {
    const time = new FakeTime();
    const t = transport(
      (_u, init) =>
        new Promise((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        }),
      time,
    );
    const p = t.pull('tok', null, 10);
    time.advance(1000);
    await expect(p).rejects.toBeInstanceOf(TimeoutError);
  });

  it('gives HttpError with the protocol code and Retry-After, transient for 5xx and 429 only', async () => {
    const t503 = transport(async () => json(503, { error: { code: 'UNAVAILABLE', message: 'db down' } }, { 'retry-after': '7' }));
    const e = await t503.push('tok', { deviceId: 'd', changes: [] }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(HttpError);
    expect(e).toMatchObject({ status: 503, code: 'UNAVAILABLE', retryAfter: 7, transient: true });
    const t429 = transport(async () => json(429, { error: { code: 'RATE_LIMITED', message: 'slow' } }, { 'retry-after': '3' }));
    await expect(t429.push('tok', { deviceId: 'd', changes: [] })).rejects.toMatchObject({ transient: true, retryAfter: 3 });
    const t400 = transport(async () => json(400, { error: { code: 'INVALID_CURSOR', message: 'x' } }));
    await expect(t400.pull('tok', 'x', 1)).rejects.toMatchObject({ transient: false, code: 'INVALID_CURSOR' });
  });

  it('gives UnauthorizedError for 401', async () => {
    const t = transport(async () => json(401, { error: { code: 'UNAUTHENTICATED', message: 'expired' } }));
    await expect(t.pull('tok', null, 1)).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('gives ProtocolError for an answer that does not match the protocol', async () => {
    const t = transport(async () => json(200, { successful: 'nope' }));
    await expect(t.push('tok', { deviceId: 'd', changes: [] })).rejects.toBeInstanceOf(ProtocolError);
    const html = transport(async () => new Response('<html>captive portal</html>', { status: 200 }));
    await expect(html.pull('tok', null, 1)).rejects.toBeInstanceOf(ProtocolError);
  });

  it('probes health without throwing', async () => {
    expect(await transport(async () => json(200, { status: 'ok', db: 'ok' })).health()).toBe(true);
    expect(await transport(async () => json(503, { status: 'unavailable', db: 'down' })).health()).toBe(false);
    expect(await transport(async () => new Response('<html>login to wifi</html>')).health()).toBe(false);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-26T08:00:00Z');
    expect(parseRetryAfter('12', now)).toBe(12);
    expect(parseRetryAfter('Thu, 26 Nov 2026 08:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
