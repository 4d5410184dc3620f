import { describe, expect, it } from 'vitest';
import { gzipText } from '@/client/compress';
import { payload } from './data';
import { requestBody } from './request-body';

const push = (n: number) => ({
  deviceId: 'bench-device',
  changes: Array.from({ length: n }, (_, i) => ({ changeId: `c-${i}`, type: 'assessment', action: 'create', data: payload(i, 0) })),
});

describe('a bench request body', () => {
  it("is gzip-encoded byte for byte as the engine's CompressionStream encodes it", async () => {
    for (const n of [5, 20, 100]) {
      const body = push(n);
      const sent = requestBody(body, true);
      expect(sent.headers['content-encoding']).toBe('gzip');
      expect(Buffer.from(sent.body as Uint8Array).equals(Buffer.from(await gzipText(JSON.stringify(body))))).toBe(true);
    }
  });

  it('goes as it is under 1 KB or when not asked to compress', () => {
    expect(requestBody({ deviceId: 'd', changes: [] }, true)).toEqual({ body: '{"deviceId":"d","changes":[]}', headers: { 'content-type': 'application/json' } });
    const big = push(100);
    expect(requestBody(big, false).body).toBe(JSON.stringify(big));
  });

  it('has no body and no headers for no body', () => {
    expect(requestBody(undefined, true)).toEqual({ headers: {} });
  });
});
