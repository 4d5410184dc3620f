// PostgreSQL's unique_violation (23505), through Drizzle's wrapping: a row that another
// request inserted between our check and our insert.
export function isUniqueViolation(e: unknown): boolean {
  let cur: unknown = e;
  for (let i = 0; i < 8 && typeof cur === 'object' && cur !== null; i++) {
    if ((cur as { code?: unknown }).code === '23505') return true;
    cur = (cur as { cause?: unknown }).cause;
  }
  return false;
}
