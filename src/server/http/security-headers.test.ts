import { describe, expect, it } from 'vitest';
import { API_SECURITY_HEADERS, pageContentSecurityPolicy, pageSecurityHeaders } from './security-headers';

const directives = (csp: string) => new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));

describe('security headers', () => {
  it('gives pages a CSP that Next.js inline scripts and the service worker work with, and nothing more', () => {
    const prod = directives(pageContentSecurityPolicy(false));
    expect(prod.get('script-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(prod.get('worker-src')).toEqual(["'self'"]);
    expect(prod.get('connect-src')).toEqual(["'self'"]);
    expect(prod.get('img-src')).toEqual(["'self'", 'blob:', 'data:']);
    expect(prod.get('object-src')).toEqual(["'none'"]);
    expect(prod.get('frame-ancestors')).toEqual(["'none'"]);
    expect(prod.get('base-uri')).toEqual(["'self'"]);
    expect(directives(pageContentSecurityPolicy(true)).get('script-src')).toContain("'unsafe-eval'");
  });

  it('sends nosniff, DENY and no-referrer with pages and API answers alike', () => {
    const page = Object.fromEntries(pageSecurityHeaders(false).map((h) => [h.key, h.value]));
    for (const headers of [page, API_SECURITY_HEADERS]) {
      expect(headers['X-Content-Type-Options']).toBe('nosniff');
      expect(headers['X-Frame-Options']).toBe('DENY');
      expect(headers['Referrer-Policy']).toBe('no-referrer');
      expect(headers['Content-Security-Policy']).toContain("frame-ancestors 'none'");
    }
  });
});
