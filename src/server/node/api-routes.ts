// The API's routing table, its one source: which handler (ApiName) answers which method on
// which path under /api, for production's Node http server (http-server.ts) and for `next dev`
// (the one catch-all route file, src/app/api/[...path]/route.ts, through api-dispatch.ts).
//
// What it answers:
// - GET POST PUT PATCH DELETE: the path's handler, or `methodNotAllowed` (405 JSON) for a
//   method it does not list; any other path under /api/ is `notFound` (the catch-all, 404 JSON);
// - HEAD: the path's HEAD handler when it lists one (tus uploads), else the GET handler, sent
//   without its body;
// - OPTIONS: 204 with an Allow header naming every method.
// - any other method (TRACE, CONNECT…) on a path under /api/: 405 JSON (Next.js answered a
//   plain-text 500);
// - percent-escapes: the path as decoded, segment by segment (a decoded `/` or a character no
//   route uses is the catch-all's 404); a malformed escape is `malformed` (400 JSON).
// What this table does not match (null), Next.js answers, as it did before: `/api` itself, and
// paths Next.js redirects before routing (trailing slash, `//`, `\`, dot segments).
import type { ApiName } from '../api';

export const ROUTE_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type RouteMethod = (typeof ROUTE_METHODS)[number];
/** A route may name its own HEAD handler; without one, HEAD is its GET without the body. */
export type TableMethod = RouteMethod | 'HEAD';
type MethodTable = Readonly<Partial<Record<TableMethod, ApiName>>>;

/** Paths as the App Router spells them (`[id]`: any one segment) and the methods each serves. */
export const API_ROUTES = {
  '/api/v1/health': { GET: 'health' },
  '/api/v1/health/live': { GET: 'healthLive' },
  '/api/v1/metrics': { GET: 'metrics' },
  '/api/v1/openapi.json': { GET: 'openApi' },
  '/api/v1/auth/login': { POST: 'login' },
  '/api/v1/admin/users': { GET: 'adminListUsers', POST: 'adminCreateUser' },
  '/api/v1/admin/users/[id]': { PATCH: 'adminUpdateUser' },
  '/api/v1/admin/users/[id]/assignments': { PUT: 'adminReplaceAssignments' },
  '/api/v1/admin/entities': { GET: 'adminListEntities', POST: 'adminCreateEntity' },
  '/api/v1/admin/entities/[id]': { PATCH: 'adminRenameEntity' },
  '/api/v1/admin/forms': { POST: 'adminPublishForm' },
  '/api/v1/forms': { GET: 'forms' },
  '/api/v1/sync/batch': { POST: 'syncPush' },
  '/api/v1/sync/pull': { GET: 'syncPull' },
  '/api/v1/sync/conflicts': { GET: 'syncConflicts' },
  '/api/v1/sync/resolve': { POST: 'syncResolve' },
  '/api/v1/sync/status': { GET: 'syncStatus' },
  '/api/v1/sync/users': { GET: 'syncUsers' },
  '/api/v1/sync/events': { GET: 'syncEvents' },
  '/api/v1/media/uploads': { POST: 'mediaUploadCreate' },
  '/api/v1/media/uploads/[id]': { HEAD: 'mediaUpload', PATCH: 'mediaUpload', DELETE: 'mediaUpload' },
  '/api/v1/media/[id]/content': { GET: 'mediaContent' },
} as const satisfies Record<string, MethodTable>;

/** What every other path under /api/ answers, for every method. */
export const CATCH_ALL: ApiName = 'notFound';

/** The Allow header of OPTIONS, as Next.js writes it: the exported methods, HEAD and OPTIONS, sorted. */
export const ALLOW = [...ROUTE_METHODS, 'HEAD', 'OPTIONS'].sort().join(', ');

export type ApiMatch =
  | { readonly kind: 'handler'; readonly name: ApiName; /** HEAD: send no body */ readonly head: boolean }
  | { readonly kind: 'options' }
  /** A malformed percent-escape in the path (400). */
  | { readonly kind: 'malformed' }
  /** A method outside ROUTE_METHODS (TRACE, CONNECT…; a Web Request cannot even carry some): 405. */
  | { readonly kind: 'unsupported-method' };

// A path Next.js routes as it is: segments of unreserved and sub-delimiter characters, none
// empty, none `.` or `..`. Anything else goes to Next.js, which normalizes or redirects it.
const PLAIN_API_PATH = /^\/api(?:\/(?!\.\.?(?:\/|$))[A-Za-z0-9\-._~!$&'()*+,;=:@]+)+$/;

const exact = new Map<string, MethodTable>();
const patterns: Array<{ pattern: RegExp; methods: MethodTable }> = [];
for (const [path, methods] of Object.entries(API_ROUTES) as Array<[string, MethodTable]>) {
  if (!path.includes('[')) exact.set(path, methods);
  else patterns.push({ pattern: new RegExp(`^${path.replace(/\[[^\]/]+\]/g, '[^/]+')}$`), methods });
}

function methodsOf(pathname: string): MethodTable | undefined {
  const found = exact.get(pathname);
  if (found) return found;
  for (const p of patterns) if (p.pattern.test(pathname)) return p.methods;
  return undefined;
}

/** The answer to `method` on `pathname` (no query), or null when Next.js should answer. */
export function matchApiRoute(method: string | undefined, pathname: string): ApiMatch | null {
  if (!pathname.startsWith('/api/')) return null;
  const head = method === 'HEAD';
  const asked = head ? 'GET' : method;
  if (asked !== 'OPTIONS' && !isRouteMethod(asked)) return { kind: 'unsupported-method' };
  let path = pathname;
  if (path.includes('%')) {
    const decoded = decodedPath(path);
    if (decoded === null) return { kind: 'malformed' };
    if (decoded === undefined || !PLAIN_API_PATH.test(decoded)) return { kind: 'handler', name: CATCH_ALL, head };
    path = decoded;
  } else if (!PLAIN_API_PATH.test(path)) return null;
  if (asked === 'OPTIONS') return { kind: 'options' };
  const methods = methodsOf(path);
  if (head && methods?.HEAD) return { kind: 'handler', name: methods.HEAD, head: false };
  const name = methods ? (methods[asked as RouteMethod] ?? 'methodNotAllowed') : CATCH_ALL;
  return { kind: 'handler', name, head };
}

/** The path with each segment decoded; null for a malformed escape, undefined when a segment decodes to `/`. */
function decodedPath(pathname: string): string | null | undefined {
  const segments = pathname.split('/');
  for (let i = 0; i < segments.length; i++) {
    let s: string;
    try {
      s = decodeURIComponent(segments[i]!);
    } catch {
      return null;
    }
    if (s.includes('/')) return undefined;
    segments[i] = s;
  }
  return segments.join('/');
}

function isRouteMethod(m: string | undefined): m is RouteMethod {
  return m === 'GET' || m === 'POST' || m === 'PUT' || m === 'PATCH' || m === 'DELETE';
}
