// GET /api/v1/sync/events: the data of each Server-Sent Event of the live-update stream. Events
// are hints, never records: a device that misses one loses nothing, since pull is the only
// source of data. A device ignores events it does not know.
import { z } from 'zod';
import { IdSchema } from './records';

export const LiveEventSchemas = {
  /** Records of these entities changed: pull. */
  changes: z.object({ entityIds: z.array(IdSchema) }),
  /** Coordinators and admins: the open conflicts they may resolve now number `open`. */
  conflicts: z.object({ open: z.number().int().nonnegative() }),
  /** Another user's write replaced the caller's applied write of these records. */
  overwritten: z.object({ recordIds: z.array(IdSchema) }),
} as const;

export type LiveEventName = keyof typeof LiveEventSchemas;
export type LiveEvent = { [K in LiveEventName]: { readonly event: K; readonly data: z.infer<(typeof LiveEventSchemas)[K]> } }[LiveEventName];
