// GET /api/v1/sync/status and GET /api/v1/health.
import { z } from 'zod';
import { UserSchema } from './auth';
import { HlcSchema } from './records';

export const SyncStatusResponseSchema = z.object({
  serverHlc: HlcSchema,
  serverTime: z.string(),
  user: UserSchema,
  openConflicts: z.number().int().nonnegative(),
  /** When the server last took a change from the caller (a push that only repeats changes already taken does not count). ISO 8601. */
  lastPush: z.string().optional(),
  /** When the caller last pulled. ISO 8601. */
  lastPull: z.string().optional(),
});
export type SyncStatusResponse = z.infer<typeof SyncStatusResponseSchema>;

export const HealthResponseSchema = z.object({
  status: z.enum(['ok', 'unavailable']),
  db: z.enum(['ok', 'down']),
});
export type HealthResponse = z.infer<typeof HealthResponseSchema>;
