// GET /api/v1/sync/pull (docs/protocol.md "Pull").
import { z } from 'zod';
import { PULL_LIMIT_DEFAULT, PULL_LIMIT_MAX } from './limits';
import { HlcSchema, IdSchema, SyncRecordSchema } from './records';

export const EntitySchema = z.object({ id: IdSchema, name: z.string(), kind: z.string() });
export type Entity = z.infer<typeof EntitySchema>;

export const PullQuerySchema = z.object({
  cursor: z.string().min(1).max(8192).optional(),
  limit: z.coerce.number().int().min(1).max(PULL_LIMIT_MAX).default(PULL_LIMIT_DEFAULT),
});
export type PullQuery = z.infer<typeof PullQuerySchema>;

export const PullResponseSchema = z.object({
  changes: z.array(SyncRecordSchema),
  entities: z.array(EntitySchema),
  removedEntityIds: z.array(z.string()),
  cursor: z.string(),
  hasMore: z.boolean(),
  serverHlc: HlcSchema,
});
export type PullResponse = z.infer<typeof PullResponseSchema>;
