// Conflict log entries and their resolution (PROTOCOL.md "Conflicts").
import { z } from 'zod';
import { HlcSchema, IdSchema, RecordTypeSchema, SyncRecordSchema } from './records';

export const ConflictSideSchema = z.object({
  data: z.record(z.string(), z.unknown()),
  deleted: z.boolean(),
  hlc: HlcSchema,
  version: z.number().int(),
  userId: z.string(),
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
  resolvedAction: ResolveActionSchema.optional(),
});
export type ConflictEntry = z.infer<typeof ConflictEntrySchema>;

export const ConflictsQuerySchema = z.object({
  status: ConflictStatusSchema.optional(),
  entityId: IdSchema.optional(),
});

export const ResolveRequestSchema = z.strictObject({
  conflictId: z.string().min(1).max(100),
  action: ResolveActionSchema,
});
export type ResolveRequest = z.infer<typeof ResolveRequestSchema>;

export const ResolveResponseSchema = z.object({
  conflict: ConflictEntrySchema,
  record: SyncRecordSchema.optional(),
});
export type ResolveResponse = z.infer<typeof ResolveResponseSchema>;
