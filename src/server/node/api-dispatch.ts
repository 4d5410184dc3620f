// The one way a request under /api/ reaches its handler, for both servers: production's Node
// http server (http-server.ts) and `next dev`, through the single catch-all route file
// src/app/api/[...path]/route.ts. The routing table (api-routes.ts) says which handler; the
// answers that need none (OPTIONS, a malformed path, a method no route can have) are made
// here, and every answer carries the API's security headers.
import type { ApiName } from '../api';
import { ApiError, badRequest } from '../http/api-error';
import { errorResponse } from '../http/respond';
import { API_SECURITY_HEADERS } from '../http/security-headers';
import { withHeaders } from '../http/with-headers';
import { ALLOW, type ApiMatch, CATCH_ALL, matchApiRoute } from './api-routes';

type Handler = (request: Request) => Promise<Response>;

/** The answer to a match that needs no handler. */
export function fixedAnswer(match: Exclude<ApiMatch, { kind: 'handler' }>, method: string | undefined): Response {
  switch (match.kind) {
    case 'malformed':
      return errorResponse(badRequest('the path has a malformed percent-escape'));
    case 'unsupported-method':
      return errorResponse(new ApiError(405, 'METHOD_NOT_ALLOWED', `the API does not accept ${method}`, undefined, { Allow: ALLOW }));
    case 'options':
      return new Response(null, { status: 204, headers: { Allow: ALLOW } });
  }
}

/**
 * Answers a Web request under /api/ (the catch-all route file of `next dev`). A path the table
 * leaves to Next.js (it redirects those before routing, so few arrive) is the catch-all's 404.
 */
export async function dispatchApi(request: Request, api: (name: ApiName) => Handler): Promise<Response> {
  const match = matchApiRoute(request.method, new URL(request.url).pathname) ?? { kind: 'handler', name: CATCH_ALL, head: false };
  const response = match.kind === 'handler' ? await api(match.name)(request) : fixedAnswer(match, request.method);
  return withHeaders(response, API_SECURITY_HEADERS);
}
