import { describe, expect, it } from 'vitest';
import type { LinkConnection } from './shared-link';
import { UploadMeter } from './upload-meter';

function connection(id: number): LinkConnection & { drops: number } {
  const c = { id, drops: 0, drop: () => void c.drops++ };
  return c;
}

const patch = (offset: number, length: number) =>
  Buffer.concat([Buffer.from(`PATCH /api/v1/media/uploads/u1 HTTP/1.1\r\nUpload-Offset: ${offset}\r\nContent-Length: ${length}\r\n\r\n`), Buffer.alloc(length, 1)]);
const post = (path: string, length: number) => Buffer.concat([Buffer.from(`POST ${path} HTTP/1.1\r\nContent-Length: ${length}\r\n\r\n`), Buffer.alloc(length, 2)]);

const tus = () =>
  new UploadMeter({ isUpload: (h) => h.method === 'PATCH', startOf: (h) => Number(h.headers['upload-offset'] ?? 0), dropAt: 1_500 });

/** Feeds `bytes` in pieces of `size` until the meter drops the connection. */
function feed(meter: UploadMeter, c: LinkConnection & { drops: number }, bytes: Buffer, size = 100): void {
  for (let i = 0; i < bytes.length && c.drops === 0; i += size) meter.onUp(bytes.subarray(i, i + size), c);
}

describe('the upload meter', () => {
  it('drops once, where the file reaches the position, counting the offset a resumed request starts from', () => {
    const meter = tus();
    const first = connection(1);
    feed(meter, first, patch(0, 1_000));
    expect(first.drops).toBe(0);
    const second = connection(2);
    feed(meter, second, patch(1_000, 1_000));
    expect(second.drops).toBe(1);
    // Bytes arrive in pieces of 100 with the head's: the drop falls on the first piece past 1,500.
    expect(meter.dropped?.path).toBe('/api/v1/media/uploads/u1');
    expect(meter.dropped?.position).toBeGreaterThanOrEqual(1_500);
    expect(meter.dropped?.position).toBeLessThan(1_600);
    // After the drop the upload resumes; the meter never drops again.
    const third = connection(3);
    feed(meter, third, patch(1_500, 500));
    expect(third.drops).toBe(0);
    expect(meter.contentBytes).toBe(1_000 + (meter.dropped!.position - 1_000) + 500);
    expect(meter.requests).toBe(3);
  });

  it('counts only the bodies of upload requests, and the whole body of each target once', () => {
    const meter = new UploadMeter({ isUpload: (h) => h.path.startsWith('/upload/'), startOf: () => 0, dropAt: null });
    const c = connection(1);
    feed(meter, c, Buffer.concat([post('/api/v1/sync/batch', 700), post('/upload/a', 300), post('/upload/b', 200), post('/upload/a', 300)]));
    expect(meter.contentBytes).toBe(800);
    expect(meter.completedBytes()).toBe(500);
  });
});
