// GET /api/v1/sync/status and GET /api/v1/health.
import { z } from 'zod';
import { UserSchema } from './auth';
import { HlcSchema } from './records';

export const SyncStatusResponseSchema = z.object({
  serverHlc: HlcSchema,
  serverTime: z.string(),
  user: UserSchema,
  openConflicts: z.number().int().nonnegative(),
  lastPush: z.string().optional(),
  lastPull: z.string().optional(),
});
export type SyncStatusResponse = z.infer<typeof SyncStatusResponseSchema>;

export const HealthResponseSchema = z.object({
  status: z.enum(['ok', 'unavailable']),
  db: z.enum(['ok', 'down']),
});
export type HealthResponse = z.infer<typeof HealthResponseSchema>;
