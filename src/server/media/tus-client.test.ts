// A real tus client (tus-js-client, its Node build) against the real HTTP server, through a
// proxy that cuts the connection in the middle of the second PATCH: the client asks the server
// where it stands (HEAD) and goes on from there, never from the start; the server verifies the
// whole content and serves it.
import net from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Upload } from 'tus-js-client';
import { afterAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../db/test-databases';
import { createLogger } from '../log';
import { createHttpServer } from '../node/http-server';
import { type Listening, listen } from '../node/http-test-kit';
import { type MediaKit, bytes, mediaKit } from './media-test-kit';

interface CuttingProxy {
  readonly url: string;
  /** Upload-Offset of every PATCH that went through, in order. */
  readonly patchOffsets: number[];
  close(): Promise<void>;
}

/** A TCP proxy to `target` that destroys the connection of PATCH number `cutPatch` after `cutAfter` bytes of it. */
async function cuttingProxy(target: string, cutPatch: number, cutAfter: number): Promise<CuttingProxy> {
  const { port } = new URL(target);
  const patchOffsets: number[] = [];
  let cut = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(port), '127.0.0.1');
    sockets.add(client).add(upstream);
    let forwarded = 0;
    let inPatch = false;
    client.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      if (text.startsWith('PATCH ')) {
        inPatch = true;
        forwarded = 0;
        patchOffsets.push(Number(/\r\nupload-offset: *(\d+)/i.exec(text)?.[1]));
      }
      forwarded += chunk.length;
      if (inPatch && !cut && patchOffsets.length === cutPatch && forwarded > cutAfter) {
        cut = true;
        upstream.write(chunk.subarray(0, chunk.length - (forwarded - cutAfter)));
        client.destroy();
        upstream.destroy();
        return;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (d: Buffer) => client.write(d));
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.end());
    upstream.on('close', () => client.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    patchOffsets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

async function notNext(_req: IncomingMessage, res: ServerResponse): Promise<void> {
  res.statusCode = 404;
  res.end();
}

describe.each(testDatabases())('tus-js-client against the real HTTP server on $name', (factory) => {
  let kit: MediaKit;
  let http: Listening;
  const closing: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of closing.reverse()) await c();
  });

  it('uploads a photo, resumes after the connection is cut mid-upload, and the server serves exactly those bytes', async () => {
    kit = await mediaKit(await factory.create());
    closing.push(() => kit.database.close());
    const api = kit.server.api as unknown as Record<string, (r: Request) => Promise<Response>>;
    http = await listen(createHttpServer({ api: (name) => api[name]!, next: notNext, log: createLogger('silent') }));
    closing.push(() => http.close());
    const proxy = await cuttingProxy(http.url, 2, 100_000);
    closing.push(() => proxy.close());

    const content = bytes(600_000);
    const mediaId = await kit.mediaRecord('ana', content);
    const token = await kit.token('ana');
    await new Promise<void>((resolve, reject) => {
      const upload = new Upload(content, {
        endpoint: `${proxy.url}/api/v1/media/uploads`,
        headers: { Authorization: `Bearer ${token}` },
        metadata: { mediaId, filename: 'photo.jpg', filetype: 'image/jpeg' },
        uploadSize: content.length,
        chunkSize: 250_000,
        retryDelays: [0, 50, 100, 200, 400, 800],
        onError: reject,
        onSuccess: () => resolve(),
      });
      upload.start();
    });

    expect(proxy.patchOffsets.slice(0, 2)).toEqual([0, 250_000]);
    // After the cut the client went on from where the server stood (250,000 or more), never from 0.
    const resumed = proxy.patchOffsets.slice(2);
    expect(resumed.length).toBeGreaterThanOrEqual(1);
    expect(resumed.every((offset) => offset >= 250_000)).toBe(true);
    const res = await fetch(`${http.url}/api/v1/media/${mediaId}/content`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(content)).toBe(true);
  });
});
