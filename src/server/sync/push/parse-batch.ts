// Turns a push body into batch items (docs/protocol.md "Push"). The envelope is checked as a whole
// (400 BAD_REQUEST: no changes, over 100, a repeated changeId); each change on its own, so a
// bad change fails alone (VALIDATION) and the others still apply.
import { type Change, ChangeSchema, PushRequestSchema, type SentChange } from '@/protocol/push';
import { inspectRecordData, storableText } from '@/protocol/json-limits';
import { IdSchema, RECORD_DATA_PROBLEMS, type RecordData } from '@/protocol/records';
import { badRequest } from '../../http/api-error';
import { parseWith } from '../../http/read-json';

export type BatchItem =
  | {
      readonly kind: 'valid';
      /** Ids lowercased, as PostgreSQL stores them. */
      readonly change: Change;
      /** As given, echoed in the result. */
      readonly changeId: string;
      readonly recordId: string;
      /** The JSON text of `change.data`, as checked, for the write to store (undefined without data). */
      readonly dataText: string | undefined;
    }
  | {
      readonly kind: 'invalid';
      /** As given; '' when it was not a string. */
      readonly changeId: string;
      /** Whether changeId is a valid id, so the failure can be recorded and replayed. */
      readonly recordable: boolean;
      readonly recordId: string | null;
      readonly hlc: string | null;
      readonly message: string;
    };

export interface ParsedBatch {
  readonly deviceId: string;
  readonly items: readonly BatchItem[];
}

export function parseBatch(body: unknown): ParsedBatch {
  const envelope = parseWith(PushRequestSchema, body, 'BAD_REQUEST');
  const seen = new Set<string>();
  for (const raw of envelope.changes) {
    const id = field(raw, 'changeId');
    if (id === null) continue;
    const key = id.toLowerCase();
    if (seen.has(key)) throw badRequest('a changeId is repeated in this batch', { changeId: id });
    seen.add(key);
  }
  return { deviceId: envelope.deviceId, items: envelope.changes.map(parseItem) };
}

function parseItem(raw: unknown): BatchItem {
  const r = ChangeSchema.safeParse(raw);
  if (!r.success)
    return invalidItem(
      raw,
      r.error.issues
        .slice(0, 5)
        .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
        .join('; '),
    );
  if (r.data.data === undefined) return validItem(r.data, undefined);
  // Size, depth, and strings PostgreSQL's jsonb cannot store (NUL, lone surrogates), in one
  // walk and one JSON.stringify, whose text the write then stores.
  const { problem, text } = inspectRecordData(r.data.data);
  return problem ? invalidItem(raw, `data: ${RECORD_DATA_PROBLEMS[problem]}`) : validItem(r.data, text);
}

function invalidItem(raw: unknown, message: string): BatchItem {
  const changeId = field(raw, 'changeId');
  const recordId = field(raw, 'recordId');
  const hlc = field(raw, 'hlc');
  return {
    kind: 'invalid',
    changeId: changeId ?? '',
    recordable: changeId !== null && IdSchema.safeParse(changeId).success,
    recordId: recordId !== null && IdSchema.safeParse(recordId).success ? recordId.toLowerCase() : null,
    // Both are logged with the failure, so nothing PostgreSQL cannot store (they may echo what was sent).
    hlc: hlc !== null && hlc.length <= 200 ? storableText(hlc) : null,
    message: storableText(message || 'the change does not match the protocol'),
  };
}

function validItem(c: SentChange, dataText: string | undefined): BatchItem {
  const change: Change = {
    changeId: c.changeId.toLowerCase(),
    type: c.type,
    action: c.action,
    recordId: c.recordId.toLowerCase(),
    entityId: c.entityId.toLowerCase(),
    baseVersion: (c.baseVersion ?? c.versionNumber)!,
    hlc: c.hlc,
    data: c.data,
  };
  return { kind: 'valid', changeId: c.changeId, recordId: c.recordId, change, dataText };
}

function field(raw: unknown, key: string): string | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const v = (raw as Record<string, unknown>)[key];
  return typeof v === 'string' ? v : null;
}

/** Each valid change's data object with the JSON text it was checked as. */
export function dataTexts(items: readonly BatchItem[]): Map<RecordData, string> {
  const texts = new Map<RecordData, string>();
  for (const item of items) if (item.kind === 'valid' && item.change.data !== undefined && item.dataText !== undefined) texts.set(item.change.data, item.dataText);
  return texts;
}
