// Conflict log entries and their resolution (docs/protocol.md "Conflicts").
import { z } from 'zod';
import { HlcSchema, IdSchema, RecordTypeSchema, SyncRecordSchema } from './records';

export const ConflictSideSchema = z.object({
  data: z.record(z.string(), z.unknown()),
  deleted: z.boolean(),
  hlc: HlcSchema,
  version: z.number().int(),
  userId: z.string(),
  /** The author's name, when the user still exists. */
  userName: z.string().optional(),
  deviceId: z.string(),
});
export type ConflictSide = z.infer<typeof ConflictSideSchema>;

export const CONFLICT_STATUSES = ['open', 'resolved'] as const;
export const ConflictStatusSchema = z.enum(CONFLICT_STATUSES);
export const RESOLVE_ACTIONS = ['accept', 'restore_loser'] as const;
export const ResolveActionSchema = z.enum(RESOLVE_ACTIONS);
export type ResolveAction = z.infer<typeof ResolveActionSchema>;

export const ConflictEntrySchema = z.object({
  id: z.string(),
  type: RecordTypeSchema,
  recordId: z.string(),
  entityId: z.string(),
  status: ConflictStatusSchema,
  resolution: z.enum(['client_wins', 'server_wins']),
  winner: ConflictSideSchema,
  loser: ConflictSideSchema,
  /** The loser's stamp as sent, when it was clamped for being too far ahead. */
  clamped: z.object({ originalHlc: HlcSchema }).optional(),
  /** After restore_loser: the record version the restored loser replaced. */
  replaced: ConflictSideSchema.optional(),
  createdAt: z.string(),
  resolvedAt: z.string().optional(),
  resolvedBy: z.string().optional(),
  /** The name of the user who resolved it, when that user still exists. */
  resolvedByName: z.string().optional(),
  resolvedAction: ResolveActionSchema.optional(),
});
export type ConflictEntry = z.infer<typeof ConflictEntrySchema>;

export const CONFLICTS_LIMIT_DEFAULT = 100;
export const CONFLICTS_LIMIT_MAX = 500;

/** The query string of GET /sync/conflicts, as strings; `cursor` is opaque (from the previous page). */
export const ConflictsQuerySchema = z.object({
  status: ConflictStatusSchema.optional(),
  entityId: IdSchema.optional(),
  limit: z
    .string()
    .regex(/^[0-9]{1,7}$/, 'a whole number')
    .transform(Number)
    .pipe(z.number().int().min(1).max(CONFLICTS_LIMIT_MAX))
    .optional(),
  cursor: z.string().min(1).max(1024).optional(),
});

/**
 * A page of the conflict log, newest first. It ends early, with `hasMore`, at `limit` entries or
 * when the server's byte budget is spent; `cursor` (present when `hasMore`) asks for the next one.
 */
export const ConflictsPageSchema = z.object({
  conflicts: z.array(ConflictEntrySchema),
  cursor: z.string().optional(),
  hasMore: z.boolean(),
});
export type ConflictsPage = z.infer<typeof ConflictsPageSchema>;

/** `undo_restore` takes back a `restore_loser`: the version it replaced is put back and the conflict is open again. */
export const RESOLVE_REQUEST_ACTIONS = [...RESOLVE_ACTIONS, 'undo_restore'] as const;

export const ResolveRequestSchema = z.strictObject({
  conflictId: z.string().min(1).max(100),
  action: z.enum(RESOLVE_REQUEST_ACTIONS),
});
export type ResolveRequest = z.infer<typeof ResolveRequestSchema>;

export const ResolveResponseSchema = z.object({
  conflict: ConflictEntrySchema,
  record: SyncRecordSchema.optional(),
});
export type ResolveResponse = z.infer<typeof ResolveResponseSchema>;
