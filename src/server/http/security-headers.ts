// The security headers of every response, in one place: next.config.ts sends PAGE headers with
// pages, assets and the service worker; the API's Node server (node/http-server.ts) sends API
// headers with everything it answers. No imports, so next.config.ts can load it as it is.
//
// The pages' CSP allows what Next.js and the service worker need and nothing else: Next.js
// writes its bootstrap and hydration data as inline scripts ('unsafe-inline' scripts; in dev
// also 'unsafe-eval', for React's dev tooling and hot reload), the service worker and its
// precache come from this origin (worker-src, connect-src), photos are shown from blob: and
// data: URLs. No plugins, no framing, no <base> elsewhere.

export interface Header {
  readonly key: string;
  readonly value: string;
}

/** The Content-Security-Policy of pages; `dev` for `next dev`. */
export function pageContentSecurityPolicy(dev: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self' data:",
    // Hot reload talks over a WebSocket to the dev server.
    `connect-src 'self'${dev ? ' ws: wss:' : ''}`,
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const COMMON: readonly Header[] = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Referrer-Policy', value: 'no-referrer' },
];

/** For next.config.ts `headers()`: every page, asset and the service worker. */
export function pageSecurityHeaders(dev: boolean): Header[] {
  return [{ key: 'Content-Security-Policy', value: pageContentSecurityPolicy(dev) }, ...COMMON];
}

/** For every API response: JSON that nothing may run, frame or embed. */
export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.fromEntries([
  ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"],
  ...COMMON.map((h) => [h.key, h.value]),
]);
