// Wraps a handler so that every failure becomes the protocol's error body: typed ApiErrors as
// they are, an unreachable database as 503 with Retry-After, anything else as a logged 500
// that shows the client no stack and no internals.
import { isDatabaseUnavailable, isUnstorableText } from '../db/errors';
import type { Logger } from '../log';
import { ApiError, badRequest, unavailable } from './api-error';
import { RequestAbortedError } from './request-aborted';
import { errorResponse } from './respond';

export type Handler = (request: Request) => Promise<Response>;

export function handle(log: Logger, fn: Handler): Handler {
  return async (request) => {
    try {
      return await fn(request);
    } catch (e) {
      return toErrorResponse(log, request, e);
    }
  };
}

export function toErrorResponse(log: Logger, request: Request, e: unknown): Response {
  if (e instanceof ApiError) return errorResponse(e);
  if (isUnstorableText(e)) return errorResponse(badRequest('the request holds text that cannot be stored'));
  if (e instanceof RequestAbortedError) {
    log.info({ url: request.url, method: request.method }, 'client went away before its body was read');
    return errorResponse(badRequest(e.message));
  }
  if (isDatabaseUnavailable(e)) {
    log.warn({ err: e, url: request.url }, 'database unavailable');
    return errorResponse(unavailable());
  }
  log.error({ err: e, url: request.url, method: request.method }, 'unhandled error');
  return errorResponse(new ApiError(500, 'INTERNAL', 'internal error'));
}
