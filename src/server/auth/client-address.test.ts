import { describe, expect, it } from 'vitest';
import { clientAddress } from './client-address';

const req = (xff?: string) => new Request('http://test/', { headers: xff === undefined ? {} : { 'x-forwarded-for': xff } });

describe('client address', () => {
  it('takes the hop Next.js (or the nearest proxy) wrote when no proxy is trusted', () => {
    expect(clientAddress(req('10.0.0.9'), false)).toBe('10.0.0.9');
    expect(clientAddress(req('6.6.6.6, 10.0.0.9'), false)).toBe('10.0.0.9');
  });

  it('takes the first hop behind a trusted proxy', () => {
    expect(clientAddress(req('203.0.113.9, 10.0.0.1'), true)).toBe('203.0.113.9');
  });

  it('normalizes IPv4-mapped IPv6, ports and case', () => {
    expect(clientAddress(req('::ffff:127.0.0.1'), false)).toBe('127.0.0.1');
    expect(clientAddress(req('203.0.113.9:4711'), false)).toBe('203.0.113.9');
    expect(clientAddress(req('[2001:DB8::1]:443'), false)).toBe('2001:db8::1');
    expect(clientAddress(req('::1'), false)).toBe('::1');
  });

  it('counts a missing header or anything that is not an address as unknown', () => {
    expect(clientAddress(req(), false)).toBe('unknown');
    expect(clientAddress(req(''), true)).toBe('unknown');
    expect(clientAddress(req('evil'), false)).toBe('unknown');
    expect(clientAddress(req('x'.repeat(5000)), true)).toBe('unknown');
  });

  it('never reads x-real-ip, which Next.js does not set', () => {
    const r = new Request('http://test/', { headers: { 'x-real-ip': '1.2.3.4', 'x-forwarded-for': '10.0.0.9' } });
    expect(clientAddress(r, false)).toBe('10.0.0.9');
  });
});
