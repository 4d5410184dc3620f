// The pull cursor: where a device is in the feed, opaque to it. `<body>.<tag>`: body is
// base64url JSON, tag is HMAC-SHA256 of the body under a key derived from the server's token
// key, so a cursor the server did not issue (garbage, edited, another server's) is refused,
// and the user id inside binds it to the user it was issued to.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { type EntitySetRef, packIds, unpackIds } from './entity-set';

/** A place in the feed: writing transaction id, then row order (decimal strings). */
export interface FeedPosition {
  readonly txid: string;
  readonly seq: string;
}
/** Before every record (real transaction ids start at 3, sequences at 1). */
export const FEED_START: FeedPosition = { txid: '0', seq: '0' };

export interface CursorState {
  readonly userId: string;
  /** Every record of `set` at or before this position was served. */
  readonly main: FeedPosition;
  /** xmin of the snapshot the cursor was made in: entities written at or past it are news. */
  readonly watermark: string;
  /** The entities the feed was computed for. */
  readonly set: EntitySetRef;
  /**
   * Entities gained since `main` was reached, whose records up to `main` are being served
   * first: `subset` is a bitmap over the sorted `set` (`*`: all), `from` the progress so far.
   */
  readonly catchUp?: { readonly subset: string; readonly from: FeedPosition };
  /** `set` was every entity, by role (an admin): losing that role loses all the others. */
  readonly allEntities?: true;
}

export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
}

const DIGITS = /^[0-9]{1,20}$/;
const Position = z.string().regex(/^[0-9]{1,20}\.[0-9]{1,20}$/);
const Payload = z.strictObject({
  v: z.literal(1),
  u: z.string().min(1).max(100),
  m: Position,
  w: z.string().regex(DIGITS),
  s: z.string().max(100_000).optional(),
  h: z.string().max(64).optional(),
  n: z.number().int().nonnegative().optional(),
  c: z.strictObject({ g: z.string().max(100_000), f: Position }).optional(),
  a: z.literal(1).optional(),
});
type Payload = z.infer<typeof Payload>;

const pos = (p: FeedPosition) => `${p.txid}.${p.seq}`;
function unpos(s: string): FeedPosition {
  const [txid, seq] = s.split('.') as [string, string];
  return { txid, seq };
}

/** The cursor signing key: derived, so a cursor tag can never serve as anything else. */
export function cursorKey(tokenKey: Uint8Array): Buffer {
  return createHmac('sha256', tokenKey).update('fieldsync/pull-cursor/v1').digest();
}

const tag = (key: Buffer, body: string) => createHmac('sha256', key).update(body).digest();

export function encodeCursor(key: Buffer, state: CursorState): string {
  const p: Payload = { v: 1, u: state.userId, m: pos(state.main), w: state.watermark };
  if (state.set.kind === 'ids') p.s = packIds(state.set.ids);
  else {
    p.h = state.set.hash;
    p.n = state.set.size;
  }
  if (state.catchUp) p.c = { g: state.catchUp.subset, f: pos(state.catchUp.from) };
  if (state.allEntities) p.a = 1;
  const body = Buffer.from(JSON.stringify(p)).toString('base64url');
  return `${body}.${tag(key, body).toString('base64url')}`;
}

/** The state inside `cursor`, if this server issued it to `userId`; InvalidCursorError otherwise. */
export function decodeCursor(key: Buffer, cursor: string, userId: string): CursorState {
  const parts = cursor.split('.');
  if (parts.length !== 2) throw new InvalidCursorError('not a cursor');
  const [body, given] = parts as [string, string];
  const expected = tag(key, body);
  const got = Buffer.from(given, 'base64url');
  if (got.length !== expected.length || !timingSafeEqual(got, expected))
    throw new InvalidCursorError('the cursor was not issued by this server');
  let payload: Payload;
  try {
    payload = Payload.parse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
  } catch {
    throw new InvalidCursorError('the cursor is malformed');
  }
  if (payload.u !== userId) throw new InvalidCursorError('the cursor was issued to another user');
  let set: EntitySetRef;
  if (payload.s !== undefined) {
    const ids = unpackIds(payload.s);
    if (!ids) throw new InvalidCursorError('the cursor is malformed');
    set = { kind: 'ids', ids };
  } else if (payload.h !== undefined && payload.n !== undefined) {
    set = { kind: 'hash', hash: payload.h, size: payload.n };
  } else throw new InvalidCursorError('the cursor is malformed');
  const state: CursorState = { userId: payload.u, main: unpos(payload.m), watermark: payload.w, set, ...(payload.a ? { allEntities: true } : {}) };
  return payload.c ? { ...state, catchUp: { subset: payload.c.g, from: unpos(payload.c.f) } } : state;
}
