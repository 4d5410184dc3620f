// Records as they travel on the wire: assessment, response, media (docs/protocol.md "Records").
import { z } from 'zod';
import { type RecordDataProblem, checkRecordData } from './json-limits';
import { MAX_JSON_DEPTH, MAX_RECORD_DATA_BYTES } from './limits';

export const RECORD_TYPES = ['assessment', 'response', 'media'] as const;
export const RecordTypeSchema = z.enum(RECORD_TYPES);
export type RecordType = z.infer<typeof RecordTypeSchema>;

/** `<ISO-8601 UTC with ms>-<4 hex counter>-<node id>`; compares as a plain string. */
export const HLC_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z-[0-9a-f]{4}-[A-Za-z0-9_-]{1,64}$/;
/**
 * The stamp's time (its first 24 characters, shaped by HLC_PATTERN) is a real instant written
 * as toISOString writes it: no month 13, no 30 February, no hour 24. In plain arithmetic rather
 * than a Date round trip, which is costly on the push path (and Next.js wraps Date).
 */
export function isRealTime(stamp: string): boolean {
  const year = digits(stamp, 0, 4);
  const month = digits(stamp, 5, 2);
  const day = digits(stamp, 8, 2);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) && digits(stamp, 11, 2) <= 23 && digits(stamp, 14, 2) <= 59 && digits(stamp, 17, 2) <= 59;
}

function digits(s: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) n = n * 10 + (s.charCodeAt(i) - 48);
  return n;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
export const HlcSchema = z.string().refine((s) => HLC_PATTERN.test(s) && isRealTime(s), 'not a hybrid logical clock stamp');
export const NodeIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'node id: 1 to 64 of A-Z a-z 0-9 _ -');

export const IdSchema = z.uuid();

// A plain-object check rather than z.record, which copies every object it checks: this runs
// for up to 100 changes per push.
const isJsonObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A JSON object, not yet checked against the record limits. */
export const JsonObjectSchema = z.custom<Record<string, unknown>>(isJsonObject, 'data must be a JSON object');

/** A record's `data`: a JSON object within the size and depth limits. */
export const RecordDataSchema = JsonObjectSchema.superRefine((d, ctx) => {
  const problem = checkRecordData(d);
  if (problem) ctx.addIssue({ code: 'custom', message: RECORD_DATA_PROBLEMS[problem] });
});

export const RECORD_DATA_PROBLEMS: Readonly<Record<RecordDataProblem, string>> = {
  depth: `data nested deeper than ${MAX_JSON_DEPTH}`,
  size: `data over ${MAX_RECORD_DATA_BYTES} bytes`,
  unstorable: 'data holds a U+0000 character or a lone surrogate, which cannot be stored',
};
export type RecordData = Record<string, unknown>;

export const SyncRecordSchema = z.object({
  type: RecordTypeSchema,
  id: IdSchema,
  entityId: IdSchema,
  version: z.number().int().positive(),
  data: z.record(z.string(), z.unknown()),
  deleted: z.boolean(),
  hlc: HlcSchema,
  updatedBy: z.string(),
  /** Media records in a pull: whether the server holds the content (server-kept, not versioned). */
  contentAvailable: z.boolean().optional(),
});
export type SyncRecord = z.infer<typeof SyncRecordSchema>;

/** Per-type rules on `data` checked by the server (and by the client before saving). */
export const ResponseDataSchema = z.looseObject({ assessmentId: IdSchema });
export const MediaDataSchema = z.looseObject({
  parentId: IdSchema,
  contentType: z.string().min(1).max(255),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  fileName: z.string().min(1).max(255),
});
