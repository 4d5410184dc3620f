// GET /api/v1/sync/status and GET /api/v1/health.
import { z } from 'zod';
import { UserSchema } from './auth';
import { HlcSchema } from './records';

export const SyncStatusResponseSchema = z.object({
  serverHlc: HlcSchema,
  serverTime: z.string(),
  user: UserSchema,
  openConflicts: z.number().int().nonnegative(),
  /**
   * Records whose applied write by the caller another user's later write replaced, while that
   * conflict is open (a coordinator may restore it): the same facts as the `overwritten` event.
   */
  overwrittenRecordIds: z.array(z.string()),
  /** When the server last took a change from the caller (a push that only repeats changes already taken does not count). ISO 8601. */
  lastPush: z.string().optional(),
  /** When the caller last pulled. ISO 8601. */
  lastPull: z.string().optional(),
  /**
   * Seconds the oldest open transaction on the database has been holding the pull feed back:
   * writes committed since it began reach no device until it ends. 0 when nothing holds it.
   */
  feedLagSeconds: z.number().nonnegative(),
});
export type SyncStatusResponse = z.infer<typeof SyncStatusResponseSchema>;

export const HealthResponseSchema = z.object({
  status: z.enum(['ok', 'unavailable']),
  db: z.enum(['ok', 'down']),
  /**
   * `degraded`: the database answers, but the pull feed has been held back past the server's
   * threshold. A field of its own, so that devices that know only `status` keep syncing.
   */
  feed: z.enum(['ok', 'degraded']).optional(),
  /** As in the sync status; absent when the database is down or the lag could not be measured. */
  feedLagSeconds: z.number().nonnegative().optional(),
});
export type HealthResponse = z.infer<typeof HealthResponseSchema>;
