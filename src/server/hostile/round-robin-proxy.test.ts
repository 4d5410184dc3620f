import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { type RoundRobinProxy, startRoundRobinProxy } from './round-robin-proxy';

interface Seen { name: string; method: string; body: string; forwardedFor: string | undefined }

/** An upstream that answers with what it received, or, on /stream, a chunk now and one on demand. */
async function upstream(name: string, seen: Seen[]): Promise<{ url: string; close(): Promise<void>; finishStream(): void }> {
  let finish: () => void = () => {};
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ name, method: req.method!, body: Buffer.concat(chunks).toString(), forwardedFor: req.headers['x-forwarded-for'] as string | undefined });
      if (req.url === '/stream') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('event: first\n\n');
        finish = () => res.end('event: last\n\n');
        return;
      }
      res.writeHead(201, { 'content-type': 'text/plain', 'x-upstream': name });
      res.end(`${name}:${Buffer.concat(chunks).toString()}`);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: () => new Promise<void>((r) => {
      server.close(() => r());
      server.closeAllConnections();
    }),
    finishStream: () => finish(),
  };
}

/** A port nothing listens on. */
async function refusedUrl(): Promise<string> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

describe('round-robin proxy', () => {
  const closing: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of closing.splice(0)) await c();
  });
  async function start(upstreams: string[]): Promise<RoundRobinProxy> {
    const p = await startRoundRobinProxy(upstreams);
    closing.push(() => p.close());
    return p;
  }

  it('sends each request to the next upstream in turn, with its body, and appends the client address to X-Forwarded-For', async () => {
    const seen: Seen[] = [];
    const a = await upstream('a', seen);
    const b = await upstream('b', seen);
    closing.push(a.close, b.close);
    const proxy = await start([a.url, b.url]);
    const answers: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${proxy.url}/x`, { method: 'POST', body: `n${i}`, headers: { 'x-forwarded-for': '203.0.113.9' } });
      expect(res.status).toBe(201);
      answers.push(await res.text());
    }
    expect(answers).toEqual(['a:n0', 'b:n1', 'a:n2', 'b:n3']);
    expect(seen.map((s) => s.forwardedFor)).toEqual(Array(4).fill('203.0.113.9, 127.0.0.1'));
    expect(proxy.served).toEqual([2, 2]);
  });

  it('tries the next upstream when one refuses the connection, and answers 502 JSON when all do', async () => {
    const seen: Seen[] = [];
    const a = await upstream('a', seen);
    closing.push(a.close);
    const proxy = await start([await refusedUrl(), a.url]);
    for (let i = 0; i < 3; i++) expect(await (await fetch(`${proxy.url}/x`, { method: 'POST', body: 'once' })).text()).toBe('a:once');
    expect(seen).toHaveLength(3);

    const dead = await start([await refusedUrl()]);
    const res = await fetch(`${dead.url}/x`);
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ error: { code: 'BAD_GATEWAY' } });
  });

  it('streams a response as it comes, without waiting for its end', async () => {
    const seen: Seen[] = [];
    const a = await upstream('a', seen);
    closing.push(a.close);
    const proxy = await start([a.url]);
    const res = await fetch(`${proxy.url}/stream`);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    expect((await reader.read()).value).toBe('event: first\n\n');
    a.finishStream();
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += r.value;
    expect(rest).toBe('event: last\n\n');
  });
});
