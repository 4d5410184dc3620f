// The HTTP status each error code travels with (api-error.ts and the handlers use these).
import type { ErrorCode } from '@/protocol/errors';

export const ERROR_STATUS: Readonly<Record<ErrorCode, number>> = {
  BAD_REQUEST: 400,
  VALIDATION: 400,
  INVALID_CURSOR: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  ALREADY_RESOLVED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  CONTENT_PENDING: 409,
  RANGE_NOT_SATISFIABLE: 416,
  // The tus checksum extension's status for content that does not match its checksum.
  CHECKSUM_MISMATCH: 460,
};
