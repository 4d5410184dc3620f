// Hybrid logical clock (docs/protocol.md "Records"): stamps `<ISO ms>-<hex4 counter>-<node>`
// that compare as plain strings, advance past every stamp seen, and do not trust a device's
// wall clock beyond the server's clamp.
export interface HlcState {
  /** Milliseconds since the epoch of the latest stamp. */
  readonly ms: number;
  readonly counter: number;
  readonly node: string;
}

export interface HlcParts {
  readonly ms: number;
  readonly counter: number;
  readonly node: string;
}

const MAX_COUNTER = 0xffff;
const STAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)-([0-9a-f]{4})-([A-Za-z0-9_-]{1,64})$/;

export class InvalidHlcError extends Error {
  override readonly name = 'InvalidHlcError';
  constructor(readonly stamp: string) {
    super(`not a hybrid logical clock stamp: ${JSON.stringify(stamp).slice(0, 100)}`);
  }
}

export function formatHlc(p: HlcParts): string {
  return `${new Date(p.ms).toISOString()}-${p.counter.toString(16).padStart(4, '0')}-${p.node}`;
}

export function parseHlc(stamp: string): HlcParts {
  const m = STAMP.exec(stamp);
  const ms = m ? Date.parse(m[1]!) : NaN;
  if (!m || Number.isNaN(ms)) throw new InvalidHlcError(stamp);
  return { ms, counter: parseInt(m[2]!, 16), node: m[3]! };
}

export function initialHlc(node: string, ms = 0): HlcState {
  return { ms, counter: 0, node };
}

/** The clock for a new local event at wall time `now`. */
export function tickHlc(state: HlcState, now: number): HlcState {
  if (now > state.ms) return { ms: now, counter: 0, node: state.node };
  return bump(state.ms, state.counter, state.node);
}

/** The clock after seeing a remote stamp at wall time `now`: later than both. */
export function receiveHlc(state: HlcState, remote: string, now: number): HlcState {
  const r = parseHlc(remote);
  const ms = Math.max(state.ms, r.ms, now);
  if (ms === state.ms && ms === r.ms) return bump(ms, Math.max(state.counter, r.counter), state.node);
  if (ms === state.ms) return bump(ms, state.counter, state.node);
  if (ms === r.ms) return bump(ms, r.counter, state.node);
  return { ms, counter: 0, node: state.node };
}

/** When the counter runs out, borrow a millisecond rather than wrap. */
function bump(ms: number, counter: number, node: string): HlcState {
  return counter >= MAX_COUNTER ? { ms: ms + 1, counter: 0, node } : { ms, counter: counter + 1, node };
}

export function hlcString(state: HlcState): string {
  return formatHlc(state);
}

/** Stamps compare as strings: time, then counter, then node id. */
export function compareHlc(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A stamp more than `maxAheadMs` ahead of `serverNow` gets the server's time, keeping its
 * counter and node. Returns the stamp to compare and store, and whether it was clamped.
 */
export function clampHlc(stamp: string, serverNow: number, maxAheadMs: number): { hlc: string; clamped: boolean } {
  const p = parseHlc(stamp);
  if (p.ms <= serverNow + maxAheadMs) return { hlc: stamp, clamped: false };
  return { hlc: formatHlc({ ms: serverNow, counter: p.counter, node: p.node }), clamped: true };
}
