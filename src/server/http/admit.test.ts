import { describe, expect, it } from 'vitest';
import { Admission } from './admission';
import { ApiError } from './api-error';
import { BODY_MEMORY_FACTOR, admissionLimits, admitted, bodyMemory, holdDecoded } from './admit';
import { UserGate } from './user-gate';

const post = (headers: Record<string, string>, body: BodyInit | null = '{}') =>
  new Request('http://test/api/v1/sync/batch', { method: 'POST', headers, body, duplex: 'half' } as RequestInit);
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

async function refusal(p: Promise<unknown>): Promise<[number, string, string | undefined]> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return [e.status, e.code, e.headers['Retry-After']];
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('bodyMemory', () => {
  it('reserves the declared length times the factor (at most the largest body\'s), the largest body\'s when of unknown length, none without a body', () => {
    expect(bodyMemory(post({ 'content-length': '1000' }))).toBe(1000 * BODY_MEMORY_FACTOR);
    expect(bodyMemory(post({ 'content-length': String(50 * 1024 * 1024) }), 2048)).toBe(2048 * BODY_MEMORY_FACTOR);
    expect(bodyMemory(post({ 'content-length': '100', 'content-encoding': 'gzip' }), 2048)).toBe(100 * BODY_MEMORY_FACTOR);
    expect(bodyMemory(post({}, new ReadableStream()), 2048)).toBe(2048 * BODY_MEMORY_FACTOR);
    expect(bodyMemory(new Request('http://test/api/v1/sync/pull'))).toBe(0);
  });
});

describe('admissionLimits', () => {
  it('takes a quarter of the heap limit for bodies when none is configured', () => {
    const limits = admissionLimits({ maxInFlight: 5, maxInFlightPerUser: 2, bodyMemoryBytes: undefined });
    expect(limits.bodyMemoryBytes).toBeGreaterThan(16 * 1024 * 1024);
    expect(admissionLimits({ maxInFlight: 5, maxInFlightPerUser: 2, bodyMemoryBytes: 1234 }).bodyMemoryBytes).toBe(1234);
  });
});

describe('admitted', () => {
  function gate() {
    const waiting: Array<() => void> = [];
    const handler = () => new Promise<Response>((resolve) => waiting.push(() => resolve(new Response('ok'))));
    return { handler, releaseAll: () => waiting.splice(0).forEach((w) => w()) };
  }
  const byHeader = async (r: Request) => r.headers.get('x-user');

  it('answers 503 with Retry-After past the requests in flight, and admits again once one is done', async () => {
    const admission = new Admission({ maxInFlight: 2, maxInFlightPerUser: 10, bodyMemoryBytes: 1e9 });
    const g = gate();
    const h = admitted(admission, new UserGate(100), byHeader, g.handler);
    const running = [h(post({})), h(post({}))];
    const [status, code, retryAfter] = await refusal(h(post({})));
    expect([status, code]).toEqual([503, 'UNAVAILABLE']);
    expect(retryAfter).toMatch(/^\d+$/);
    await tick();
    g.releaseAll();
    await Promise.all(running);
    expect(admission.usage().inFlight).toBe(0);
    const again = h(post({}));
    await tick();
    g.releaseAll();
    expect((await again).status).toBe(200);
  });

  it('answers 503 when the bodies in flight would pass the memory budget', async () => {
    const admission = new Admission({ maxInFlight: 100, maxInFlightPerUser: 100, bodyMemoryBytes: 10_000 * BODY_MEMORY_FACTOR });
    const g = gate();
    const h = admitted(admission, new UserGate(100), byHeader, g.handler);
    const first = h(post({ 'content-length': '8000' }));
    expect((await refusal(h(post({ 'content-length': '3000' }))))[0]).toBe(503);
    await tick();
    g.releaseAll();
    await first;
  });

  it('answers 429 past one user\'s requests in flight, leaves other users and unauthenticated requests alone', async () => {
    const admission = new Admission({ maxInFlight: 100, maxInFlightPerUser: 2, bodyMemoryBytes: 1e9 });
    const g = gate();
    const h = admitted(admission, new UserGate(100), byHeader, g.handler);
    const running = [h(post({ 'x-user': 'ana' })), h(post({ 'x-user': 'ana' })), h(post({ 'x-user': 'ben' })), h(post({})), h(post({})), h(post({}))];
    await tick();
    const [status, code, retryAfter] = await refusal(h(post({ 'x-user': 'ana' })));
    expect([status, code]).toEqual([429, 'RATE_LIMITED']);
    expect(retryAfter).toMatch(/^\d+$/);
    expect(admission.usage().inFlight).toBe(6);
    g.releaseAll();
    await Promise.all(running);
    expect(admission.usage()).toEqual({ inFlight: 0, reservedBytes: 0, users: 0 });
  });

  it('gives the slot back when the handler throws', async () => {
    const admission = new Admission({ maxInFlight: 1, maxInFlightPerUser: 1, bodyMemoryBytes: 1e9 });
    const h = admitted(admission, new UserGate(100), byHeader, () => Promise.reject(new Error('boom')));
    await expect(h(post({ 'x-user': 'ana' }))).rejects.toThrow('boom');
    expect(admission.usage()).toEqual({ inFlight: 0, reservedBytes: 0, users: 0 });
  });

  it('reserves what an encoded body decodes to, and answers 503 when that passes the budget beside others', async () => {
    const admission = new Admission({ maxInFlight: 100, maxInFlightPerUser: 100, bodyMemoryBytes: 10_000 * BODY_MEMORY_FACTOR });
    const g = gate();
    const other = admitted(admission, new UserGate(100), byHeader, g.handler)(post({ 'content-length': '1000' }));
    const decoding = admitted(admission, new UserGate(100), byHeader, async (request) => {
      holdDecoded(request, 5_000);
      expect(admission.usage().reservedBytes).toBe((1000 + 100 + 5_000) * BODY_MEMORY_FACTOR);
      holdDecoded(request, 5_000);
      return new Response('unreachable');
    });
    const [status, code] = await refusal(decoding(post({ 'content-length': '100', 'content-encoding': 'gzip' })));
    expect([status, code]).toEqual([503, 'UNAVAILABLE']);
    await tick();
    g.releaseAll();
    await other;
    expect(admission.usage().reservedBytes).toBe(0);
    // A request this wrapper did not admit reserves nothing and is not refused.
    expect(() => holdDecoded(post({}), 1e12)).not.toThrow();
  });
});

describe('admitted with a user gate', () => {
  it('runs a flooding user\'s requests a few at a time while another user\'s go straight through', async () => {
    const admission = new Admission({ maxInFlight: 100, maxInFlightPerUser: 100, bodyMemoryBytes: 1e9 });
    const userGate = new UserGate(2);
    const started: string[] = [];
    const finish: Array<() => void> = [];
    const h = admitted(admission, userGate, async (r: Request) => r.headers.get('x-user'), async (r) => {
      started.push(r.headers.get('x-user') ?? '');
      await new Promise<void>((resolve) => finish.push(resolve));
      return new Response('ok');
    });
    const flood = Array.from({ length: 6 }, () => h(post({ 'x-user': 'ana' })));
    const ben = h(post({ 'x-user': 'ben' }));
    await tick();
    await tick();
    expect(started).toEqual(['ana', 'ana', 'ben']);
    while (finish.length > 0) {
      finish.splice(0).forEach((f) => f());
      await tick();
      await tick();
    }
    await Promise.all([...flood, ben]);
    expect(started.filter((u) => u === 'ana')).toHaveLength(6);
    expect(admission.usage().inFlight).toBe(0);
  });
});
