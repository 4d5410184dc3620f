import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type SharedLink, startSharedLink } from './shared-link';

describe('the bench link, shaped as a mobile one', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  async function echoServer(): Promise<number> {
    const server = net.createServer((s) => s.pipe(s));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    return (server.address() as net.AddressInfo).port;
  }

  async function roundTrip(link: SharedLink, payload: Buffer): Promise<{ echoed: Buffer; ms: number }> {
    const { port } = new URL(link.url);
    const socket = net.connect({ host: '127.0.0.1', port: Number(port) });
    const parts: Buffer[] = [];
    const t0 = performance.now();
    return new Promise((resolve, reject) => {
      socket.on('data', (c: Buffer) => {
        parts.push(c);
        if (parts.reduce((n, p) => n + p.length, 0) >= payload.length) {
          socket.end();
          resolve({ echoed: Buffer.concat(parts), ms: performance.now() - t0 });
        }
      });
      socket.on('error', reject);
      socket.write(payload);
    });
  }

  it('delivers every byte in order, a round trip later than without it', async () => {
    const link = await startSharedLink(await echoServer(), { oneWayMs: 40 });
    closers.push(() => link.close());
    const payload = randomBytes(300_000);
    const { echoed, ms } = await roundTrip(link, payload);
    expect(echoed.equals(payload)).toBe(true);
    // Each direction waits 40 ms: the last byte cannot be back before 80 ms.
    expect(ms).toBeGreaterThanOrEqual(79);
  });

  it('sends no faster than its rate: 100 KB up at 800 kbit/s takes a second', async () => {
    const link = await startSharedLink(await echoServer(), { oneWayMs: 5, upKbps: 800 });
    closers.push(() => link.close());
    const payload = randomBytes(100_000);
    const { echoed, ms } = await roundTrip(link, payload);
    expect(echoed.equals(payload)).toBe(true);
    // 800,000 bits at 800 bits per ms, then 5 ms each way (down is as fast as loopback).
    expect(ms).toBeGreaterThanOrEqual(1009);
  });

  it('passes the end of a connection through, after the same delay', async () => {
    const link = await startSharedLink(await echoServer(), { oneWayMs: 20 });
    closers.push(() => link.close());
    const { port } = new URL(link.url);
    const socket = net.connect({ host: '127.0.0.1', port: Number(port) });
    const ended = new Promise<number>((resolve) => socket.on('end', () => resolve(performance.now())));
    socket.resume();
    const t0 = performance.now();
    socket.end(Buffer.from('bye'));
    expect((await ended) - t0).toBeGreaterThanOrEqual(39);
  });
});
