// PostgreSQL's jsonb refuses some strings JSON allows: the NUL character and lone UTF-16
// surrogates. Such data must be a per-item VALIDATION failure, not a failed statement (500).
export function isStorableJson(value: unknown): boolean {
  if (typeof value === 'string') return isStorableString(value);
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) return value.every(isStorableJson);
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (!isStorableString(k) || !isStorableJson(v)) return false;
  }
  return true;
}

const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function isStorableString(s: string): boolean {
  return !UNSTORABLE.test(s);
}
