import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type SharedLink, startSharedLink } from './shared-link';

describe('the shared mobile link', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  async function echoServer(received?: { bytes: number }): Promise<number> {
    const server = net.createServer((s) => {
      s.on('data', (c: Buffer) => {
        if (received) received.bytes += c.byteLength;
      });
      s.on('error', () => undefined);
      s.pipe(s);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    return (server.address() as net.AddressInfo).port;
  }

  function connect(link: SharedLink): net.Socket {
    const socket = net.connect({ host: '127.0.0.1', port: Number(new URL(link.url).port) });
    closers.push(async () => void socket.destroy());
    return socket;
  }

  /** Sends `payload` and resolves with the echo once it is all back. */
  function echo(socket: net.Socket, payload: Buffer): Promise<Buffer> {
    const parts: Buffer[] = [];
    let got = 0;
    return new Promise((resolve, reject) => {
      socket.on('data', (c: Buffer) => {
        parts.push(c);
        got += c.byteLength;
        if (got >= payload.length) resolve(Buffer.concat(parts));
      });
      socket.on('error', reject);
      socket.write(payload);
    });
  }

  it('delivers every byte in order and counts the bytes of each direction', async () => {
    const link = await startSharedLink(await echoServer(), { oneWayMs: 5, upKbps: 8_000, downKbps: 16_000 });
    closers.push(() => link.close());
    const payload = randomBytes(300_000);
    expect((await echo(connect(link), payload)).equals(payload)).toBe(true);
    expect(link.counts()).toMatchObject({ up: 300_000, down: 300_000, lostUp: 0, connections: 1, drops: 0 });
  });

  it('lets a small exchange through while another connection sends a large one', async () => {
    const link = await startSharedLink(await echoServer(), { oneWayMs: 5, upKbps: 800 });
    closers.push(() => link.close());
    const order: string[] = [];
    // 200 KB at 800 kbit/s keeps the uplink busy for 2 s: the small one must not wait for all of it.
    const big = echo(connect(link), randomBytes(200_000)).then(() => order.push('big'));
    const small = echo(connect(link), randomBytes(1_000)).then(() => order.push('small'));
    await Promise.all([big, small]);
    expect(order).toEqual(['small', 'big']);
  });

  it('drops a connection where asked: the server keeps what arrived, both ends see it end', async () => {
    const received = { bytes: 0 };
    let seen = 0;
    const link = await startSharedLink(await echoServer(received), { oneWayMs: 5, upKbps: 8_000 }, {
      onUp: (chunk, connection) => {
        seen += chunk.byteLength;
        if (seen >= 100_000) connection.drop();
      },
    });
    closers.push(() => link.close());
    const socket = connect(link);
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.on('error', () => undefined);
    socket.resume();
    socket.write(randomBytes(400_000));
    await closed;
    const c = link.counts();
    expect(c.drops).toBe(1);
    expect(c.up).toBe(seen);
    expect(c.up).toBeGreaterThanOrEqual(100_000);
    expect(c.up).toBeLessThan(400_000);
    // Nothing reaches the server after the drop.
    await new Promise((r) => setTimeout(r, 50));
    expect(received.bytes).toBeLessThanOrEqual(c.up);
  });
});
