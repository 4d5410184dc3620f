// Pure checks of a JSON value's nesting depth and encoded size, used by the record schemas.
import { MAX_JSON_DEPTH, MAX_RECORD_DATA_BYTES } from './limits';

/** Depth of a JSON value: a scalar is 0, `{}` or `[]` is 1, `{"a":{}}` is 2. Stops early past `limit`. */
export function jsonDepth(value: unknown, limit = MAX_JSON_DEPTH + 1): number {
  if (value === null || typeof value !== 'object') return 0;
  if (limit <= 0) return 1;
  let deepest = 0;
  const children = Array.isArray(value) ? value : Object.values(value as Record<string, unknown>);
  for (const child of children) {
    const d = jsonDepth(child, limit - 1);
    if (d > deepest) deepest = d;
    if (deepest >= limit) break;
  }
  return deepest + 1;
}

/** Size in bytes of the UTF-8 JSON encoding. */
export function jsonBytes(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value)).byteLength;
}

export function withinRecordLimits(value: unknown): boolean {
  return jsonDepth(value) <= MAX_JSON_DEPTH && jsonBytes(value) <= MAX_RECORD_DATA_BYTES;
}

/**
 * Whether any string (key or value) holds U+0000: PostgreSQL's jsonb cannot store it, so such
 * data is refused as invalid instead of failing the whole batch in the database.
 */
export function hasNulCharacter(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some(hasNulCharacter);
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k.includes('\u0000') || hasNulCharacter(v)) return true;
  }
  return false;
}
