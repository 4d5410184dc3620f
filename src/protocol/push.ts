// POST /api/v1/sync/batch: request envelope, one change, one result (docs/protocol.md "Push").
import { z } from 'zod';
import { ItemErrorCodeSchema } from './errors';
import { MAX_CHANGES_PER_BATCH } from './limits';
import { HlcSchema, IdSchema, JsonObjectSchema, NodeIdSchema, RecordTypeSchema, SyncRecordSchema } from './records';

export const ACTIONS = ['create', 'update', 'delete'] as const;
export const ActionSchema = z.enum(ACTIONS);
export type Action = z.infer<typeof ActionSchema>;

/**
 * One change as sent. Unknown fields are refused. `versionNumber` (the seed story's name) is
 * accepted for `baseVersion`; giving both with different values is refused. The server takes
 * it as a `Change`, with the base version under one name (parse-batch.ts does that in plain
 * code: a zod transform costs as much as the rest of this check, for up to 100 per push).
 */
export const ChangeSchema = z
  .strictObject({
    changeId: IdSchema,
    type: RecordTypeSchema,
    action: ActionSchema,
    recordId: IdSchema,
    entityId: IdSchema,
    baseVersion: z.number().int().nonnegative().optional(),
    versionNumber: z.number().int().nonnegative().optional(),
    hlc: HlcSchema,
    // Its limits (size, depth, storable text) are RecordDataSchema's: the server checks them
    // apart (parse-batch.ts), keeping the JSON text it checked for the write.
    data: JsonObjectSchema.optional(),
  })
  .superRefine((c, ctx) => {
    if (c.baseVersion === undefined && c.versionNumber === undefined)
      ctx.addIssue({ code: 'custom', path: ['baseVersion'], message: 'baseVersion is required' });
    if (c.baseVersion !== undefined && c.versionNumber !== undefined && c.baseVersion !== c.versionNumber)
      ctx.addIssue({ code: 'custom', path: ['versionNumber'], message: 'baseVersion and versionNumber differ' });
    if (c.action !== 'delete' && c.data === undefined)
      ctx.addIssue({ code: 'custom', path: ['data'], message: `data is required for ${c.action}` });
  });
export type SentChange = z.output<typeof ChangeSchema>;
/** A checked change, its base version under one name. */
export type Change = Omit<SentChange, 'baseVersion' | 'versionNumber'> & { readonly baseVersion: number };

/** A change as a client builds it before sending. */
export type ChangeInput = z.input<typeof ChangeSchema>;

/** The envelope is checked as a whole (400 BAD_REQUEST); each change on its own (per-item VALIDATION). */
export const PushRequestSchema = z.strictObject({
  deviceId: NodeIdSchema,
  changes: z.array(z.unknown()).min(1).max(MAX_CHANGES_PER_BATCH),
});
export type PushRequest = { deviceId: string; changes: ChangeInput[] };

export const RESOLUTIONS = ['client_wins', 'server_wins'] as const;
export const ResolutionSchema = z.enum(RESOLUTIONS);
export type Resolution = z.infer<typeof ResolutionSchema>;

export const ChangeResultSchema = z.object({
  changeId: z.string(),
  recordId: z.string().nullable(),
  offlineId: z.string().nullable(),
  serverId: z.string().nullable(),
  status: z.enum(['success', 'conflict', 'failed']),
  version: z.number().int().optional(),
  resolution: ResolutionSchema.optional(),
  record: SyncRecordSchema.optional(),
  code: ItemErrorCodeSchema.optional(),
  message: z.string().optional(),
  /** A failed change: what exactly failed, when the code says too little (a form's questions). */
  details: z.unknown().optional(),
});
export type ChangeResult = z.infer<typeof ChangeResultSchema>;

export const PushResponseSchema = z.object({
  successful: z.array(ChangeResultSchema),
  conflicts: z.array(ChangeResultSchema),
  failed: z.array(ChangeResultSchema),
  serverHlc: HlcSchema,
});
export type PushResponse = z.infer<typeof PushResponseSchema>;
