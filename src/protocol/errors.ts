// Error codes and the one error body every endpoint uses:
// {"error": {"code": "UPPER_SNAKE", "message": "human text", "details": ...}}
import { z } from 'zod';

export const ERROR_CODES = [
  'BAD_REQUEST',
  'VALIDATION',
  'UNAUTHENTICATED',
  'INVALID_CREDENTIALS',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'ALREADY_RESOLVED',
  'INVALID_CURSOR',
  'PAYLOAD_TOO_LARGE',
  'METHOD_NOT_ALLOWED',
  'UNSUPPORTED_MEDIA_TYPE',
  'RATE_LIMITED',
  'UNAVAILABLE',
  'INTERNAL',
  // Media content (docs/protocol.md "Media content").
  'CHECKSUM_MISMATCH',
  'CONTENT_PENDING',
  'RANGE_NOT_SATISFIABLE',
] as const;
export const ErrorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

/** Codes a push result may carry for a single failed change. */
export const ItemErrorCodeSchema = z.enum(['VALIDATION', 'FORBIDDEN', 'NOT_FOUND']);
export type ItemErrorCode = z.infer<typeof ItemErrorCodeSchema>;

export const ErrorBodySchema = z.object({
  error: z.object({
    code: ErrorCodeSchema,
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
