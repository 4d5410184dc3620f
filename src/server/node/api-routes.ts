// The API's routing table: which handler (ApiName) answers which method on which path under
// /api, for the Node http server (http-server.ts). It says exactly what the App Router route
// files say (src/app/api/**/route.ts, which `next dev` still serves); api-routes.test.ts reads
// those files and fails when the two differ.
//
// What Next.js makes of those route files, and so what this table answers:
// - GET POST PUT PATCH DELETE: the path's handler, or `methodNotAllowed` (405 JSON) for a
//   method it does not list; any other path under /api/ is `notFound` (the catch-all, 404 JSON);
// - HEAD: the GET handler, sent without its body;
// - OPTIONS: 204 with an Allow header naming every method (route files export all five).
// What this table does not match (null), Next.js answers, as it did before: methods route files
// cannot export (TRACE…), `/api` itself, and paths Next.js rewrites or redirects before routing
// (trailing slash, `//`, `\`, dot segments, percent-escapes), so those keep their old answers.
import type { ApiName } from '../api';

export const ROUTE_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type RouteMethod = (typeof ROUTE_METHODS)[number];
type MethodTable = Readonly<Partial<Record<RouteMethod, ApiName>>>;

/** Paths as the App Router spells them (`[id]`: any one segment) and the methods each serves. */
export const API_ROUTES = {
  '/api/v1/health': { GET: 'health' },
  '/api/v1/auth/login': { POST: 'login' },
  '/api/v1/admin/users': { POST: 'adminCreateUser' },
  '/api/v1/admin/users/[id]/assignments': { PUT: 'adminReplaceAssignments' },
  '/api/v1/admin/entities': { POST: 'adminCreateEntity' },
  '/api/v1/sync/batch': { POST: 'syncPush' },
  '/api/v1/sync/pull': { GET: 'syncPull' },
  '/api/v1/sync/conflicts': { GET: 'syncConflicts' },
  '/api/v1/sync/resolve': { POST: 'syncResolve' },
  '/api/v1/sync/status': { GET: 'syncStatus' },
} as const satisfies Record<string, MethodTable>;

/** What every other path under /api/ answers, for every method (src/app/api/[...path]). */
export const CATCH_ALL: ApiName = 'notFound';

/** The Allow header of OPTIONS, as Next.js writes it: the exported methods, HEAD and OPTIONS, sorted. */
export const ALLOW = [...ROUTE_METHODS, 'HEAD', 'OPTIONS'].sort().join(', ');

export type ApiMatch =
  | { readonly kind: 'handler'; readonly name: ApiName; /** HEAD: send no body */ readonly head: boolean }
  | { readonly kind: 'options' };

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
  if (!PLAIN_API_PATH.test(pathname)) return null;
  const head = method === 'HEAD';
  const asked = head ? 'GET' : method;
  if (asked === 'OPTIONS') return { kind: 'options' };
  if (!isRouteMethod(asked)) return null;
  const methods = methodsOf(pathname);
  const name = methods ? (methods[asked] ?? 'methodNotAllowed') : CATCH_ALL;
  return { kind: 'handler', name, head };
}

function isRouteMethod(m: string | undefined): m is RouteMethod {
  return m === 'GET' || m === 'POST' || m === 'PUT' || m === 'PATCH' || m === 'DELETE';
}
