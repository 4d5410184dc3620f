// Turns a push body into batch items (PROTOCOL.md "Push"). The envelope is checked as a whole
// (400 BAD_REQUEST: no changes, over 100, a repeated changeId); each change on its own, so a
// bad change fails alone (VALIDATION) and the others still apply.
import { type Change, ChangeSchema, PushRequestSchema, type SentChange } from '@/protocol/push';
import { IdSchema } from '@/protocol/records';
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
  // RecordDataSchema also refuses strings PostgreSQL's jsonb cannot store (NUL, lone surrogates).
  if (r.success) return validItem(r.data);
  const message = r.error.issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
  const changeId = field(raw, 'changeId');
  const recordId = field(raw, 'recordId');
  const hlc = field(raw, 'hlc');
  return {
    kind: 'invalid',
    changeId: changeId ?? '',
    recordable: changeId !== null && IdSchema.safeParse(changeId).success,
    recordId: recordId !== null && IdSchema.safeParse(recordId).success ? recordId.toLowerCase() : null,
    hlc: hlc !== null && hlc.length <= 200 ? hlc : null,
    message: message || 'the change does not match the protocol',
  };
}

function validItem(c: SentChange): BatchItem {
  const change: Change = {
    changeId: c.changeId.toLowerCase(),
    type: c.type,
    action: c.action,
    recordId: c.recordId.toLowerCase(),
    entityId: c.entityId.toLowerCase(),
    baseVersion: (c.baseVersion ?? c.versionNumber)!,
    hlc: c.hlc,
    ...(c.data === undefined ? {} : { data: c.data }),
  };
  return { kind: 'valid', changeId: c.changeId, recordId: c.recordId, change };
}

function field(raw: unknown, key: string): string | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const v = (raw as Record<string, unknown>)[key];
  return typeof v === 'string' ? v : null;
}
