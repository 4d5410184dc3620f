import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultProxy } from './fault-proxy';

interface Upstream {
  readonly url: string;
  /** Paths of the requests it answered, with the body it read. */
  readonly seen: string[];
  /** Requests being answered right now, and the most at once. */
  busy: number;
  maxBusy: number;
  close(): Promise<void>;
}

async function upstream(name: string): Promise<Upstream> {
  const u = { seen: [] as string[], busy: 0, maxBusy: 0 };
  const server = http.createServer((req, res) => {
    u.busy += 1;
    u.maxBusy = Math.max(u.maxBusy, u.busy);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      u.seen.push(`${req.method} ${req.url} ${Buffer.concat(chunks).toString()}`);
      setTimeout(() => {
        u.busy -= 1;
        res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': name }).end(JSON.stringify({ from: name, padding: 'x'.repeat(4000) }));
      }, 150);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return Object.assign(u, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  });
}

describe('the fault proxy of the model test', () => {
  let a: Upstream;
  let b: Upstream;
  let proxy: FaultProxy;
  beforeAll(async () => {
    [a, b] = await Promise.all([upstream('a'), upstream('b')]);
    proxy = await FaultProxy.start([a.url, b.url]);
  });
  afterAll(async () => {
    await proxy.close();
    await Promise.all([a.close(), b.close()]);
  });

  const push = (device: number, body = '{}') => fetch(`${proxy.deviceUrl(device)}/api/v1/sync/batch`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  const from = async (res: Promise<Response>) => ((await (await res).json()) as { from: string }).from;

  it('sends each device to the instance it is pinned to, and to the other after a switch', async () => {
    proxy.routing = 'pinned';
    proxy.pin(0, 0);
    proxy.pin(1, 1);
    expect([await from(push(0)), await from(push(1)), await from(push(0))]).toEqual(['a', 'b', 'a']);
    proxy.switch(0);
    expect(await from(push(0))).toBe('b');
  });

  it('sends each request to the next instance in turn with round-robin routing', async () => {
    proxy.routing = 'round-robin';
    const got = [await from(push(0)), await from(push(0)), await from(push(0)), await from(push(0))];
    expect(new Set([got[0], got[1]])).toEqual(new Set(['a', 'b']));
    expect(got.slice(2)).toEqual(got.slice(0, 2));
    proxy.routing = 'pinned';
  });

  it('cuts the connection before the server sees a request it drops', async () => {
    proxy.pin(0, 0);
    const before = a.seen.length;
    proxy.faults.push({ kind: 'drop-request' });
    await expect(push(0, '{"n":1}')).rejects.toThrow(TypeError);
    expect(a.seen.length).toBe(before);
  });

  it('cuts the connection after the server answered when it drops or cuts the response', async () => {
    proxy.pin(0, 0);
    proxy.faults.push({ kind: 'drop-response' });
    await expect(push(0, '{"n":2}')).rejects.toThrow(TypeError);
    expect(a.seen.at(-1)).toBe('POST /api/v1/sync/batch {"n":2}');
    proxy.faults.push({ kind: 'cut-response' });
    // The status line arrives, the body never ends.
    const res = await push(0, '{"n":3}');
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow(TypeError);
    expect(a.seen.at(-1)).toBe('POST /api/v1/sync/batch {"n":3}');
  });

  it('answers 503 with Retry-After itself, and faults only sync requests', async () => {
    const before = a.seen.length + b.seen.length;
    proxy.faults.push({ kind: 'status', status: 503, retryAfter: 1 });
    const health = await fetch(`${proxy.deviceUrl(0)}/api/v1/health`);
    expect(health.status).toBe(200);
    await health.text();
    const res = await push(0);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('UNAVAILABLE');
    expect(a.seen.length + b.seen.length).toBe(before + 1);
  });

  it('holds a paired request until the next one, so that both reach the servers at once', async () => {
    proxy.pin(0, 0);
    proxy.pin(1, 0);
    a.maxBusy = 0;
    proxy.faults.push({ kind: 'pair', ms: 5_000 });
    const first = push(0);
    await new Promise((r) => setTimeout(r, 50));
    expect(a.busy).toBe(0);
    await Promise.all([first, push(1)].map((p) => p.then((r) => r.text())));
    expect(a.maxBusy).toBe(2);
  });
});
