// The file of unsynced work the sync queue exports, and its check on import. The file names
// its user and carries a SHA-256 of its content: an import refuses a file that is not one, was
// changed after export (a damaged or edited file could send wrong data under the user's name),
// or belongs to another user. Pure apart from the digest, which is passed in.
import { z } from 'zod';
import { ACTIONS, HlcSchema, IdSchema, RECORD_TYPES, RecordDataSchema } from '@/protocol';
import type { LocalRecord, OutboxEntry } from './db';

export const UNSYNCED_FORMAT = 'fieldsync-unsynced/1';

/** Far above any real export (the outbox holds changes of at most 256 KiB each, in thousands). */
export const MAX_UNSYNCED_FILE_CHARS = 200 * 1024 * 1024;

/** What the export writes, before its checksum is added. */
export interface UnsyncedExport {
  readonly format: typeof UNSYNCED_FORMAT;
  readonly exportedAt: string;
  readonly deviceId: string | null;
  /** The user whose work it is (the signed-in user when exported). */
  readonly userId: string | null;
  readonly entries: ReadonlyArray<OutboxEntry & { readonly record: LocalRecord | null }>;
}

export type UnsyncedFileProblem = 'notJson' | 'wrongFormat' | 'tampered' | 'noUser' | 'otherUser' | 'signedOut' | 'tooLarge';

/** An exported file refused on import: nothing was imported. */
export class UnsyncedFileError extends Error {
  override readonly name = 'UnsyncedFileError';
  constructor(
    readonly problem: UnsyncedFileProblem,
    detail?: string,
  ) {
    super(detail ? `${problem}: ${detail}` : problem);
  }
}

export type Digest = (text: string) => Promise<string>;

/** SHA-256 of UTF-8 text, 64 lowercase hex digits. */
export const sha256Text: Digest = async (text) => {
  const bytes = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
};

/** The file's text: the export with the checksum of its JSON as the last field. */
export async function sealUnsyncedExport(doc: UnsyncedExport, digest: Digest = sha256Text): Promise<string> {
  return JSON.stringify({ ...doc, checksum: await digest(JSON.stringify(doc)) }, null, 2);
}

const ServerCopySchema = z.object({
  version: z.number().int().nonnegative(),
  data: RecordDataSchema,
  deleted: z.boolean(),
  hlc: HlcSchema,
  updatedBy: z.string().nullable(),
});

const RecordSchema = z.object({
  id: IdSchema,
  type: z.enum(RECORD_TYPES),
  entityId: IdSchema,
  data: RecordDataSchema,
  deleted: z.boolean(),
  version: z.number().int().nonnegative(),
  hlc: HlcSchema,
  updatedBy: z.string().nullable(),
  server: ServerCopySchema.nullable(),
  contentAvailable: z.boolean().optional(),
});

const EntrySchema = z
  .object({
    changeId: IdSchema,
    recordId: IdSchema,
    type: z.enum(RECORD_TYPES),
    entityId: IdSchema,
    action: z.enum(ACTIONS),
    baseVersion: z.number().int().nonnegative(),
    hlc: HlcSchema,
    data: RecordDataSchema.nullable(),
    parentId: IdSchema.nullable(),
    status: z.enum(['pending', 'syncing', 'failed', 'rejected']),
    createdAt: z.number().int().nonnegative(),
    record: RecordSchema.nullable(),
  })
  .superRefine((e, ctx) => {
    if (e.action !== 'delete' && e.data === null) ctx.addIssue({ code: 'custom', path: ['data'], message: `data is required for ${e.action}` });
    if (e.record && (e.record.id !== e.recordId || e.record.type !== e.type || e.record.entityId !== e.entityId))
      ctx.addIssue({ code: 'custom', path: ['record'], message: 'record does not match its change' });
  });

const FileSchema = z.object({
  format: z.literal(UNSYNCED_FORMAT),
  exportedAt: z.string(),
  deviceId: z.string().nullable(),
  userId: z.string().min(1).nullable().optional(),
  entries: z.array(EntrySchema).superRefine((entries, ctx) => {
    const ids = new Set(entries.map((e) => e.changeId));
    if (ids.size !== entries.length) ctx.addIssue({ code: 'custom', message: 'a change id appears twice' });
  }),
  checksum: z.string().regex(/^[0-9a-f]{64}$/).optional(),
});

export type ImportedEntry = z.infer<typeof EntrySchema>;
export type ImportedRecord = z.infer<typeof RecordSchema>;

/** A checked file: whose work it is and its changes in outbox order. */
export interface UnsyncedFile {
  readonly userId: string;
  readonly deviceId: string | null;
  readonly exportedAt: string;
  readonly entries: readonly ImportedEntry[];
}

/**
 * Checks a file's text for `userId` (the signed-in user; null: nobody is). Throws
 * UnsyncedFileError saying what is wrong; the order of the checks makes the message the most
 * useful one (a file of another app is "wrong format", not "tampered").
 */
export async function parseUnsyncedFile(text: string, userId: string | null, digest: Digest = sha256Text): Promise<UnsyncedFile> {
  if (text.length > MAX_UNSYNCED_FILE_CHARS) throw new UnsyncedFileError('tooLarge');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new UnsyncedFileError('notJson');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || (raw as { format?: unknown }).format !== UNSYNCED_FORMAT)
    throw new UnsyncedFileError('wrongFormat');
  const { checksum, ...content } = raw as { checksum?: unknown };
  const parsed = FileSchema.safeParse(raw);
  if (!parsed.success) {
    // A well-formed file whose checksum no longer matches was edited: say so rather than which field broke.
    if (typeof checksum === 'string' && (await digest(JSON.stringify(content))) !== checksum) throw new UnsyncedFileError('tampered');
    throw new UnsyncedFileError('wrongFormat', parsed.error.issues[0]?.message);
  }
  const file = parsed.data;
  if (!file.userId) throw new UnsyncedFileError('noUser');
  if (file.checksum === undefined || (await digest(JSON.stringify(content))) !== file.checksum) throw new UnsyncedFileError('tampered');
  if (userId === null) throw new UnsyncedFileError('signedOut');
  if (file.userId !== userId) throw new UnsyncedFileError('otherUser');
  return { userId: file.userId, deviceId: file.deviceId, exportedAt: file.exportedAt, entries: file.entries };
}

/** One change as the safety copy holds it (safety-copy.ts), with a file's checks; null when it fails them. */
export function checkEntry(raw: unknown): ImportedEntry | null {
  const r = EntrySchema.safeParse(raw);
  return r.success ? r.data : null;
}

/** A record as the safety copy holds it, with a file's checks; null when it fails them. */
export function checkRecord(raw: unknown): ImportedRecord | null {
  const r = RecordSchema.safeParse(raw);
  return r.success ? r.data : null;
}
