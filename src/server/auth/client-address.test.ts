import { describe, expect, it } from 'vitest';
import { clientAddress } from './client-address';

const req = (xff?: string) => new Request('http://test/', { headers: xff === undefined ? {} : { 'x-forwarded-for': xff } });

describe('client address', () => {
  it('takes the last hop, the socket address the server appended, when no proxy is trusted', () => {
    expect(clientAddress(req('10.0.0.9'), 0)).toBe('10.0.0.9');
    // Whatever a client writes before it, the server's own hop wins.
    expect(clientAddress(req('6.6.6.6, 10.0.0.9'), 0)).toBe('10.0.0.9');
    expect(clientAddress(req('6.6.6.6, 7.7.7.7, 10.0.0.9'), 0)).toBe('10.0.0.9');
  });

  it('takes the hop N places before the last behind N trusted proxies, never a hop the client wrote', () => {
    // client claims 6.6.6.6; the proxy appended the client's real address; the server appended the proxy's.
    expect(clientAddress(req('6.6.6.6, 203.0.113.9, 10.0.0.1'), 1)).toBe('203.0.113.9');
    expect(clientAddress(req('6.6.6.6, 203.0.113.9, 10.0.0.2, 10.0.0.1'), 2)).toBe('203.0.113.9');
  });

  it('takes the farthest hop there is when the request came through fewer proxies than configured', () => {
    expect(clientAddress(req('10.0.0.1'), 2)).toBe('10.0.0.1');
  });

  it('normalizes IPv4-mapped IPv6, ports and case', () => {
    expect(clientAddress(req('::ffff:127.0.0.1'), 0)).toBe('127.0.0.1');
    expect(clientAddress(req('203.0.113.9:4711'), 0)).toBe('203.0.113.9');
    expect(clientAddress(req('[2001:DB8::1]:443'), 0)).toBe('2001:db8::1');
    expect(clientAddress(req('::1'), 0)).toBe('::1');
  });

  it('counts a missing header or anything that is not an address as unknown', () => {
    expect(clientAddress(req(), 0)).toBe('unknown');
    expect(clientAddress(req(''), 1)).toBe('unknown');
    expect(clientAddress(req('evil'), 0)).toBe('unknown');
    expect(clientAddress(req('x'.repeat(5000)), 1)).toBe('unknown');
  });

  it('never reads x-real-ip', () => {
    const r = new Request('http://test/', { headers: { 'x-real-ip': '1.2.3.4', 'x-forwarded-for': '10.0.0.9' } });
    expect(clientAddress(r, 0)).toBe('10.0.0.9');
  });
});
