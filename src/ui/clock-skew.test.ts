import { describe, expect, it } from 'vitest';
import { checkClock, clockSkew, MAX_CLOCK_SKEW_MS, parseDateHeader } from './clock-skew';

const server = Date.parse('2026-12-05T08:00:00Z');

describe('clock skew', () => {
  it('measures the device against the server half way through the request', () => {
    expect(clockSkew({ serverTime: server, sentAt: server - 200, receivedAt: server + 200 })).toBe(0);
    expect(clockSkew({ serverTime: server, sentAt: server + 86_400_000, receivedAt: server + 86_400_400 })).toBe(86_400_200);
  });

  it('refuses a sample whose answer came before its request, or with no time', () => {
    expect(clockSkew({ serverTime: server, sentAt: server, receivedAt: server - 1 })).toBeNull();
    expect(clockSkew({ serverTime: Number.NaN, sentAt: server, receivedAt: server })).toBeNull();
  });

  it('warns only beyond five minutes either way', () => {
    expect(checkClock(MAX_CLOCK_SKEW_MS)).toEqual({ kind: 'ok' });
    expect(checkClock(-MAX_CLOCK_SKEW_MS)).toEqual({ kind: 'ok' });
    expect(checkClock(MAX_CLOCK_SKEW_MS + 1)).toEqual({ kind: 'ahead', byMs: MAX_CLOCK_SKEW_MS + 1 });
    expect(checkClock(-86_400_000)).toEqual({ kind: 'behind', byMs: 86_400_000 });
    expect(checkClock(null)).toEqual({ kind: 'ok' });
  });

  it('reads a Date header, and nothing from a missing or broken one', () => {
    expect(parseDateHeader('Sat, 05 Dec 2026 08:00:00 GMT')).toBe(server);
    expect(parseDateHeader(null)).toBeNull();
    expect(parseDateHeader('soon')).toBeNull();
  });
});
