// The client address that endpoints without a login, and login attempts, are counted against.
//
// Handlers get a Web Request with no socket (as Next.js 16 route handlers do), so the address
// travels in `x-forwarded-for`: the server ALWAYS appends the socket's address as the last hop
// (node/node-request.ts), whatever the client wrote before it. Hence, with `trustProxy` the
// number of proxies you run in front of the server (FIELDSYNC_TRUST_PROXY):
// - 0: the last hop, the socket's address, which a client cannot forge;
// - N: the hop N places before the last: what the outermost of your proxies saw. Hops before it
//   are the client's own claims and are never read. This holds only when clients cannot reach
//   the server except through those proxies (docs/operations.md, "Limits").
// `x-real-ip` is never read. Anything that is not an IP address counts as 'unknown'.
import { isIP } from 'node:net';

export function clientAddress(request: Request, trustProxy: number): string {
  const hops = (request.headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h !== '');
  // Fewer hops than proxies: the request did not come through all of them; the farthest there is.
  return normalize(hops[Math.max(0, hops.length - 1 - trustProxy)]);
}

function normalize(raw: string | undefined): string {
  if (!raw) return 'unknown';
  // `[::1]:1234`, `1.2.3.4:5678`: proxies sometimes add the port.
  let a = raw;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(a);
  if (bracketed) a = bracketed[1]!;
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(a)) a = a.slice(0, a.lastIndexOf(':'));
  a = a.toLowerCase();
  if (a.startsWith('::ffff:') && isIP(a.slice(7)) === 4) a = a.slice(7);
  return isIP(a) ? a : 'unknown';
}
