// Answers for requests no endpoint takes, in the protocol's JSON error body rather than
// Next.js's HTML page or empty 405: an unknown path under /api (the catch-all route), and a
// method an existing route does not have (route files export the other methods to this).
import { ApiError, notFound } from './api-error';

export async function unknownEndpoint(_request: Request): Promise<Response> {
  throw notFound('no such endpoint');
}

export async function methodNotAllowed(request: Request): Promise<Response> {
  throw new ApiError(405, 'METHOD_NOT_ALLOWED', `this endpoint does not accept ${request.method}`);
}
