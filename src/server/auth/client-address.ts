// The client address that login failures are counted against.
//
// Handlers get a Web Request with no socket (as Next.js 16 route handlers do: `request.ip` was
// removed in Next 15). The server fills `x-forwarded-for` with the socket's address, but only
// when the request did not bring one (node/node-request.ts, as `next start` did in base-server.js:
// `headers['x-forwarded-for'] ??= socket.remoteAddress`), so the header is the only source there
// is, and a client talking straight to the server can write it. Hence:
// - trustProxy (FIELDSYNC_TRUST_PROXY=1, behind a proxy you run that SETS the header from the
//   connection, e.g. nginx `proxy_set_header X-Forwarded-For $remote_addr`): the first hop.
// - otherwise: the LAST hop, which is what the server wrote from the socket, or what the nearest
//   proxy appended. A client can still forge it when it talks to the server directly; that only
//   moves it to another per-address bucket, never around the per-account limit. `x-real-ip` is
//   never read: the server does not set it, so it is always the client's own claim.
// Anything that is not an IP address counts as 'unknown' (one shared bucket).
import { isIP } from 'node:net';

export function clientAddress(request: Request, trustProxy: boolean): string {
  const hops = (request.headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h !== '');
  const hop = trustProxy ? hops[0] : hops[hops.length - 1];
  return normalize(hop);
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
