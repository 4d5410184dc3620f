// Whether this device's clock is too far from the server's. A clock a day off stamps its edits a
// day off, so they lose (or win) conflicts they should not: the user is warned. Pure.
//
// The server's time is read from an answer (its Date header, whole seconds); the request took
// some time, so the device's time is taken half way through it.

/** More than this apart, the user is warned. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

export interface ClockSample {
  /** The server's time, epoch ms. */
  readonly serverTime: number;
  /** The device's clock when the request was sent and when the answer came, epoch ms. */
  readonly sentAt: number;
  readonly receivedAt: number;
}

/** Device minus server, in ms (positive: the device is ahead); null when the sample is unusable. */
export function clockSkew(s: ClockSample): number | null {
  if (![s.serverTime, s.sentAt, s.receivedAt].every(Number.isFinite) || s.receivedAt < s.sentAt) return null;
  // A Date header has whole seconds: up to 1 s of error, far below the threshold.
  return Math.round((s.sentAt + s.receivedAt) / 2 - s.serverTime);
}

export type ClockCheck = { readonly kind: 'ok' } | { readonly kind: 'ahead' | 'behind'; readonly byMs: number };

export function checkClock(skewMs: number | null, max = MAX_CLOCK_SKEW_MS): ClockCheck {
  if (skewMs === null || Math.abs(skewMs) <= max) return { kind: 'ok' };
  return { kind: skewMs > 0 ? 'ahead' : 'behind', byMs: Math.abs(skewMs) };
}

/** A Date header (RFC 7231 IMF-fixdate) as epoch ms, or null. */
export function parseDateHeader(value: string | null): number | null {
  if (!value) return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : t;
}
