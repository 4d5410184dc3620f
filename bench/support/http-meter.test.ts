import { describe, expect, it } from 'vitest';
import { type MeterEvent, RequestStreamMeter } from './http-meter';

const enc = (s: string) => Buffer.from(s, 'latin1');

/** Feeds `bytes` to a fresh meter in pieces of `size`; returns every event. */
function meterIn(bytes: Buffer, size: number): MeterEvent[] {
  const m = new RequestStreamMeter();
  const out: MeterEvent[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(...m.feed(bytes.subarray(i, i + size)));
  return out;
}

function totals(events: readonly MeterEvent[]) {
  const sum = (kind: MeterEvent['kind']) => events.filter((e) => e.kind === kind).reduce((n, e) => n + ('bytes' in e ? e.bytes : 0), 0);
  return {
    head: sum('head'),
    body: sum('body'),
    framing: sum('framing'),
    unknown: sum('unknown'),
    requests: events.filter((e) => e.kind === 'head').map((e) => (e.kind === 'head' ? `${e.head.method} ${e.head.path}` : '')),
    ended: events.filter((e) => e.kind === 'end').length,
  };
}

const patchHead = 'PATCH /api/v1/media/uploads/abc HTTP/1.1\r\nHost: x\r\nUpload-Offset: 1000\r\nContent-Length: 5000\r\n\r\n';
const getHead = 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n';
const chunked = 'POST /upload/p1 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n' + '5\r\nhello\r\n' + '1a;ext=1\r\n' + 'x'.repeat(26) + '\r\n' + '0\r\nX-Trailer: y\r\n\r\n';

describe('the request stream meter', () => {
  it('tells head bytes from body bytes, request by request, on a kept-alive connection', () => {
    const wire = Buffer.concat([enc(patchHead), Buffer.alloc(5000, 7), enc(getHead)]);
    for (const size of [1, 7, 1000, wire.length]) {
      const t = totals(meterIn(wire, size));
      expect(t).toEqual({ head: patchHead.length + getHead.length, body: 5000, framing: 0, unknown: 0, requests: ['PATCH /api/v1/media/uploads/abc', 'GET /api/v1/health'], ended: 2 });
    }
  });

  it('counts a chunked body as its content, with its sizes, line ends and trailers as framing', () => {
    const wire = enc(chunked + getHead);
    for (const size of [1, 3, wire.length]) {
      const t = totals(meterIn(wire, size));
      expect(t.body).toBe(5 + 26);
      expect(t.head + t.body + t.framing).toBe(wire.length);
      expect(t.requests).toEqual(['POST /upload/p1', 'GET /api/v1/health']);
      expect(t.ended).toBe(2);
    }
  });

  it('calls what is not HTTP/1.1 unknown, and everything after it on that connection', () => {
    const t = totals(meterIn(enc(`\x16\x03\x01 not http\r\n\r\n${getHead}`), 4));
    expect(t.requests).toEqual([]);
    expect(t.unknown).toBe(16 + getHead.length);
  });
});
