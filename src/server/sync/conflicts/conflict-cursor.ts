// The conflict-list cursor: where the previous page ended in the log's order (created_at, id),
// newest first. Opaque to clients (base64url JSON), checked strictly when it comes back: it only
// moves a listing on, and the listing is still limited to the caller's entities, so it need not
// be signed.
import { z } from 'zod';

export interface ConflictPosition {
  /** created_at in UTC with microseconds, e.g. `2026-11-20T10:00:00.123456Z`. */
  readonly createdAt: string;
  readonly id: string;
}

export class InvalidConflictCursorError extends Error {
  override readonly name = 'InvalidConflictCursorError';
}

const Payload = z.strictObject({
  v: z.literal(1),
  t: z.string().regex(/^(19[7-9][0-9]|[2-9][0-9]{3})-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z$/),
  i: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
});

export function encodeConflictCursor(p: ConflictPosition): string {
  return Buffer.from(JSON.stringify({ v: 1, t: p.createdAt, i: p.id })).toString('base64url');
}

export function decodeConflictCursor(cursor: string): ConflictPosition {
  let payload: z.infer<typeof Payload>;
  try {
    const text = Buffer.from(cursor, 'base64url').toString('utf8');
    if (Buffer.from(text).toString('base64url') !== cursor) throw new Error('not base64url');
    payload = Payload.parse(JSON.parse(text));
  } catch {
    throw new InvalidConflictCursorError('not a cursor of this listing');
  }
  // A real instant (no 30 February), so the database never sees a timestamp it would refuse.
  const ms = `${payload.t.slice(0, 23)}Z`;
  const parsed = new Date(ms);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString() !== ms) throw new InvalidConflictCursorError('not a cursor of this listing');
  return { createdAt: payload.t, id: payload.i.toLowerCase() };
}
