// The device's live-update stream (GET /api/v1/sync/events, docs/protocol.md "Live updates"):
// one fetch-based Server-Sent Events connection, so it can carry the bearer token, parsed by
// eventsource-parser, reconnected with backoff (core/backoff.ts) until stopped. Events are hints:
// the engine pulls on `changes` and after every (re)connection, since events may have been
// missed while the stream was down.
//
//   stopped ──start(token)──▶ connecting ──200──▶ open ──ends / fails / silent too long──┐
//      ▲                        │ network, 5xx, 429: waiting{attempt} ──timer──▶ connecting ◀┘
//      │                        │ 401, 403, 404, 405…: gone{reason} (until the next start)
//      └──────────── stop() from any state ──────────────────────────────────────────────
import { type EventSourceMessage, createParser } from 'eventsource-parser';
import { type BackoffOptions, DEFAULT_BACKOFF, backoffDelay } from '@/core/backoff';
import { type LiveEvent, LiveEventSchemas } from '@/protocol/events';
import type { FetchLike, TimerHandle, Timers } from './env';

export const EVENTS_PATH = '/api/v1/sync/events';
/** The server comments every 25 s; this long without a byte means the connection is dead. */
export const DEFAULT_IDLE_MS = 60_000;

export type LiveState =
  | { readonly kind: 'stopped' }
  | { readonly kind: 'connecting'; readonly attempt: number }
  | { readonly kind: 'open' }
  | { readonly kind: 'waiting'; readonly attempt: number; readonly delayMs: number }
  | { readonly kind: 'gone'; readonly reason: 'unauthorized' | 'unsupported' | 'refused' };

/** How a connection attempt or an open stream ended. */
export type Outcome =
  | { readonly kind: 'ended' }
  | { readonly kind: 'network' }
  | { readonly kind: 'status'; readonly status: number; readonly retryAfterSeconds?: number };

/** What follows an outcome: wait and reconnect, or give up until the next start. Pure. */
export function nextState(outcome: Outcome, attempt: number, random: number, backoff: BackoffOptions = DEFAULT_BACKOFF): LiveState {
  if (outcome.kind === 'status') {
    const { status } = outcome;
    if (status === 401) return { kind: 'gone', reason: 'unauthorized' };
    // A server without live updates (an older one) answers 404 or 405: the device syncs as before.
    if (status === 404 || status === 405) return { kind: 'gone', reason: 'unsupported' };
    if (status !== 429 && status < 500) return { kind: 'gone', reason: 'refused' };
    return { kind: 'waiting', attempt, delayMs: backoffDelay(attempt, random, outcome.retryAfterSeconds, backoff) };
  }
  return { kind: 'waiting', attempt, delayMs: backoffDelay(attempt, random, undefined, backoff) };
}

/** The event of a parsed SSE message, or null for one this device does not know or cannot read. */
export function toLiveEvent(message: EventSourceMessage): LiveEvent | null {
  const name = message.event;
  if (name !== 'changes' && name !== 'conflicts' && name !== 'overwritten') return null;
  let value: unknown;
  try {
    value = JSON.parse(message.data);
  } catch {
    return null;
  }
  const parsed = LiveEventSchemas[name].safeParse(value);
  return parsed.success ? ({ event: name, data: parsed.data } as LiveEvent) : null;
}

export interface LiveEventsOptions {
  readonly fetch: FetchLike;
  readonly timers: Timers;
  readonly random: () => number;
  /** Origin of the API, "" for the same origin. */
  readonly baseUrl: string;
  readonly backoff?: BackoffOptions;
  readonly idleMs?: number;
}

export interface LiveEventsHandlers {
  event(e: LiveEvent): void;
  /** A stream opened: anything may have changed while there was none. */
  opened(): void;
  /** The server refused the token. */
  unauthorized(): void;
  state?(s: LiveState): void;
}

export class LiveEvents {
  private current: LiveState = { kind: 'stopped' };
  private token: string | null = null;
  /** Bumped by every start and stop: a connection of an older generation quietly ends. */
  private generation = 0;
  private abort: AbortController | null = null;
  private timer: TimerHandle | null = null;

  constructor(
    private readonly opts: LiveEventsOptions,
    private readonly handlers: LiveEventsHandlers,
  ) {}

  get state(): LiveState {
    return this.current;
  }

  /** Keeps a stream open with `token` (a no-op when one already runs with it). */
  start(token: string): void {
    const running = this.current.kind !== 'stopped' && this.current.kind !== 'gone';
    if (running && token === this.token) return;
    this.halt();
    this.token = token;
    this.connect(0);
  }

  stop(): void {
    this.halt();
    this.token = null;
    this.set({ kind: 'stopped' });
  }

  private halt(): void {
    this.generation++;
    this.abort?.abort();
    this.abort = null;
    this.clearTimer();
  }

  private connect(attempt: number): void {
    const generation = this.generation;
    const token = this.token;
    if (token === null) return;
    this.set({ kind: 'connecting', attempt });
    const abort = new AbortController();
    this.abort = abort;
    void this.run(token, abort, () => generation === this.generation).then((outcome) => {
      if (generation !== this.generation) return;
      this.abort = null;
      this.clearTimer();
      const opened = outcome.opened;
      const next = nextState(outcome.outcome, opened ? 0 : attempt, this.opts.random(), this.opts.backoff);
      this.set(next);
      if (next.kind === 'gone') {
        if (next.reason === 'unauthorized') this.handlers.unauthorized();
        return;
      }
      if (next.kind === 'waiting') this.timer = this.opts.timers.setTimeout(() => this.connect(next.attempt + 1), next.delayMs);
    });
  }

  /** One connection, from the request to the end of its stream. */
  private async run(token: string, abort: AbortController, current: () => boolean): Promise<{ outcome: Outcome; opened: boolean }> {
    let opened = false;
    try {
      const res = await this.opts.fetch(`${this.opts.baseUrl.replace(/\/+$/, '')}${EVENTS_PATH}`, {
        headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
        cache: 'no-store',
        signal: abort.signal,
      });
      if (res.status !== 200 || res.body === null) {
        void res.body?.cancel().catch(() => {});
        const retryAfter = Number(res.headers.get('retry-after') ?? Number.NaN);
        return {
          outcome: { kind: 'status', status: res.status, ...(Number.isFinite(retryAfter) ? { retryAfterSeconds: retryAfter } : {}) },
          opened,
        };
      }
      opened = true;
      this.set({ kind: 'open' });
      this.handlers.opened();
      const parser = createParser({
        onEvent: (message) => {
          const e = toLiveEvent(message);
          if (e && current()) this.handlers.event(e);
        },
      });
      const reader = res.body.getReader();
      // Not every fetch errors a body it was reading when aborted.
      abort.signal.addEventListener('abort', () => void reader.cancel().catch(() => {}), { once: true });
      const decoder = new TextDecoder();
      this.watch(abort);
      for (;;) {
        const { done, value } = await reader.read();
        if (done || !current()) break;
        this.watch(abort);
        parser.feed(decoder.decode(value, { stream: true }));
      }
      return { outcome: { kind: abort.signal.aborted ? 'network' : 'ended' }, opened };
    } catch {
      return { outcome: { kind: 'network' }, opened };
    }
  }

  /** (Re)arms the silence watchdog: no byte for idleMs aborts the connection. */
  private watch(abort: AbortController): void {
    this.clearTimer();
    this.timer = this.opts.timers.setTimeout(() => abort.abort(), this.opts.idleMs ?? DEFAULT_IDLE_MS);
  }

  private clearTimer(): void {
    if (this.timer !== null) this.opts.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private set(s: LiveState): void {
    this.current = s;
    this.handlers.state?.(s);
  }
}
