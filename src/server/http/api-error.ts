// Typed errors that become the protocol's JSON error body. Anything else thrown inside a
// handler is a bug (500 INTERNAL, logged, no details) or an unreachable database (503).
import type { ErrorCode } from '@/protocol/errors';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string, details?: unknown) => new ApiError(400, 'BAD_REQUEST', message, details);
export const validation = (message: string, details?: unknown) => new ApiError(400, 'VALIDATION', message, details);
export const unauthenticated = (message = 'a valid bearer token is required') =>
  new ApiError(401, 'UNAUTHENTICATED', message, undefined, { 'WWW-Authenticate': 'Bearer' });
export const forbidden = (message = 'not allowed') => new ApiError(403, 'FORBIDDEN', message);
export const notFound = (message = 'not found') => new ApiError(404, 'NOT_FOUND', message);
export const conflict = (message: string) => new ApiError(409, 'CONFLICT', message);
export const payloadTooLarge = (limit: number) =>
  new ApiError(413, 'PAYLOAD_TOO_LARGE', `request body over ${limit} bytes`, { limit });
export const rateLimited = (retryAfterSeconds: number) =>
  new ApiError(429, 'RATE_LIMITED', 'too many requests', { retryAfter: retryAfterSeconds }, {
    'Retry-After': String(retryAfterSeconds),
  });
export const unavailable = (retryAfterSeconds = 5) =>
  new ApiError(503, 'UNAVAILABLE', 'the database is unavailable, try again later', undefined, {
    'Retry-After': String(retryAfterSeconds),
  });
