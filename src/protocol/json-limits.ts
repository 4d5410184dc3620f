// Pure checks of a JSON value's nesting depth and encoded size, used by the record schemas,
// and checkRecordData: all of a record's data checks in one walk plus one JSON.stringify, for
// the push path, which checks up to 100 changes per request.
import { MAX_JSON_DEPTH, MAX_RECORD_DATA_BYTES } from './limits';

/** Depth of a JSON value: a scalar is 0, `{}` or `[]` is 1, `{"a":{}}` is 2. Stops early past `limit`. */
export function jsonDepth(value: unknown, limit = MAX_JSON_DEPTH + 1): number {
  if (value === null || typeof value !== 'object') return 0;
  if (limit <= 0) return 1;
  let deepest = 0;
  // for...in rather than Object.values: no array per object, on the push path's every change.
  for (const key in value as Record<string, unknown>) {
    const d = jsonDepth((value as Record<string, unknown>)[key], limit - 1);
    if (d > deepest) deepest = d;
    if (deepest >= limit) break;
  }
  return deepest + 1;
}

/** Size in bytes of the UTF-8 JSON encoding. */
export function jsonBytes(value: unknown): number {
  return utf8Bytes(JSON.stringify(value) ?? '');
}

/**
 * UTF-8 length of a string without encoding it. JSON.stringify output is well-formed (lone
 * surrogates come out as \uXXXX escapes), so a surrogate here is always half of a 4-byte pair.
 */
function utf8Bytes(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    // 2 bytes below U+0800, 3 above; a surrogate pair is 2 units for 4 bytes.
    n += c < 0x800 || (c >= 0xd800 && c <= 0xdfff) ? 1 : 2;
  }
  return n;
}

export type RecordDataProblem = 'depth' | 'size' | 'unstorable';

/**
 * The first problem of a record's data, or null: nested deeper than `maxDepth`, over
 * `maxBytes` of UTF-8 JSON, or a string (key or value) PostgreSQL's jsonb cannot store (U+0000
 * or a lone UTF-16 surrogate). Same answers as jsonDepth, jsonBytes and a scan of every
 * string, in one walk: JSON.stringify writes U+0000 and lone surrogates as \u0000 and \udXXX
 * escapes (and nothing else with those code units), so they are found in its output.
 */
export function checkRecordData(value: unknown, maxDepth = MAX_JSON_DEPTH, maxBytes = MAX_RECORD_DATA_BYTES): RecordDataProblem | null {
  return inspectRecordData(value, maxDepth, maxBytes).problem;
}

/** checkRecordData, with the JSON text it checked (empty when too deep), for whoever stores it. */
export function inspectRecordData(
  value: unknown,
  maxDepth = MAX_JSON_DEPTH,
  maxBytes = MAX_RECORD_DATA_BYTES,
): { readonly problem: RecordDataProblem | null; readonly text: string } {
  if (jsonDepth(value, maxDepth + 1) > maxDepth) return { problem: 'depth', text: '' };
  const text = JSON.stringify(value) ?? '';
  // A UTF-16 unit is at most 3 UTF-8 bytes: count only when that bound is over the limit.
  if (text.length * 3 > maxBytes && utf8Bytes(text) > maxBytes) return { problem: 'size', text };
  if (text.includes('\\u') && UNSTORABLE_ESCAPE.test(text)) return { problem: 'unstorable', text };
  return { problem: null, text };
}

// An escape (after an even run of backslashes, so not an escaped backslash followed by "u")
// of U+0000 or of a surrogate; JSON.stringify only escapes surrogates that are lone.
const UNSTORABLE_ESCAPE = /(?<!\\)(?:\\\\)*\\u(?:0000|d[89a-f])/i;

export function withinRecordLimits(value: unknown): boolean {
  return jsonDepth(value) <= MAX_JSON_DEPTH && jsonBytes(value) <= MAX_RECORD_DATA_BYTES;
}


// U+0000, or a surrogate that is not half of a pair.
const UNSTORABLE_CHAR = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** `text` with what PostgreSQL cannot store (U+0000, lone surrogates) replaced by U+FFFD. */
export function storableText(text: string): string {
  return text.replace(UNSTORABLE_CHAR, '\ufffd');
}
