// When the syncing tab syncs, as a pure state machine: triggers, run outcomes and timers come in
// as events; the next state and the effects to carry out (start a run, set or cancel the retry
// timer, publish a status) come out. The shell (src/client/scheduler.ts) does the I/O.
//
//   inactive ──activate──▶ waiting ──trigger──▶ running ──succeeded──▶ waiting (or running again
//                            ▲  ▲                  │                       while there is work)
//                            │  │  retries left    │ transient failure
//                            │  └──retry_due── waiting{retryAt} ◀──┤
//                            │                                     │ none left: offline or error
//                            └──────────── 401: needsLogin ◀───────┘ other: error
//
// A new connectivity episode (start, online, probe success, visible, manual, new token) resets
// the retry budget and cancels a pending backoff. Other triggers (local write, another tab's
// write, service worker message, periodic timer) run unless a backoff is pending. While offline
// only a manual sync runs; after a 401 only a new token does.
import { type BackoffOptions, DEFAULT_BACKOFF, backoffDelay } from './backoff';

export type TriggerReason =
  | 'start' | 'online' | 'probe' | 'visible' | 'manual' | 'token'
  | 'local-write' | 'remote-write' | 'service-worker' | 'periodic' | 'retry';

export const NEW_EPISODE: ReadonlySet<TriggerReason> = new Set(['start', 'online', 'probe', 'visible', 'manual', 'token']);
export const DEFAULT_MAX_AUTO_RETRIES = 3;

/** The automatic retries of one connectivity episode. */
export interface Episode {
  /** Automatic retries planned so far. */
  readonly retries: number;
  /** No retry is left: the periodic timer only probes (when unreachable) until a new episode. */
  readonly exhausted: boolean;
  /** The last failure did not reach the server (network, timeout, not the protocol). */
  readonly unreachable: boolean;
}

export type ScheduleState =
  | { readonly kind: 'inactive'; readonly episode: Episode; readonly needsLogin: boolean }
  | { readonly kind: 'waiting'; readonly episode: Episode; readonly needsLogin: boolean; /** A backoff is pending until then. */ readonly retryAt: number | null }
  | {
      readonly kind: 'running';
      readonly episode: Episode;
      /** A 401 came during the run: the next runs wait for a new token. */
      readonly needsLogin: boolean;
      /** A new episode began during the run: run once more after it. */
      readonly again: boolean;
      /** The retry this run reserved (null: none left), once it asked. */
      readonly plannedRetry: number | null | undefined;
    };

/** How a run failed, as the shell classifies the error. */
export type RunFailure =
  | { readonly kind: 'unauthorized' }
  | { readonly kind: 'transient'; readonly unreachable: boolean; readonly retryAfterSeconds: number | undefined; readonly message: string }
  | { readonly kind: 'other'; readonly message: string };

/** What the status bar is told. */
export type ScheduleStatus =
  | { readonly kind: 'idle' }
  | { readonly kind: 'offline' }
  | { readonly kind: 'needs_login' }
  | { readonly kind: 'backing_off'; readonly until: number }
  | { readonly kind: 'error'; readonly message: string };

export type ScheduleEvent =
  | { readonly type: 'activate' }
  | { readonly type: 'deactivate' }
  | { readonly type: 'trigger'; readonly reason: TriggerReason; readonly hasToken: boolean; readonly online: boolean }
  /** The run asks for its next automatic retry (for its failed entries, or its own failure). */
  | { readonly type: 'plan_retry'; readonly now: number; readonly random: number; readonly retryAfterSeconds: number | undefined }
  /** The run pushed and pulled everything: the episode's retries start again. */
  | { readonly type: 'run_succeeded' }
  /** After a run that succeeded and was recorded: run again while there is something to send. */
  | { readonly type: 'run_settled'; readonly hasToken: boolean; readonly hasSendable: boolean }
  | { readonly type: 'run_failed'; readonly failure: RunFailure; readonly now: number; readonly random: number; readonly online: boolean }
  | { readonly type: 'retry_due' }
  | { readonly type: 'went_offline' }
  | { readonly type: 'pause_for_login' };

export type ScheduleEffect =
  | { readonly type: 'start_run' }
  | { readonly type: 'set_retry_timer'; readonly at: number }
  | { readonly type: 'cancel_retry_timer' }
  | { readonly type: 'publish'; readonly status: ScheduleStatus };

export interface ScheduleOptions {
  readonly maxAutoRetries: number;
  readonly backoff: BackoffOptions;
}

export const DEFAULT_SCHEDULE_OPTIONS: ScheduleOptions = { maxAutoRetries: DEFAULT_MAX_AUTO_RETRIES, backoff: DEFAULT_BACKOFF };

export interface Step {
  readonly state: ScheduleState;
  readonly effects: readonly ScheduleEffect[];
}

const FRESH: Episode = { retries: 0, exhausted: false, unreachable: false };
export const INACTIVE: ScheduleState = { kind: 'inactive', episode: FRESH, needsLogin: false };

const publish = (status: ScheduleStatus): ScheduleEffect => ({ type: 'publish', status });
const stay = (state: ScheduleState): Step => ({ state, effects: [] });

export function step(state: ScheduleState, event: ScheduleEvent, opts: ScheduleOptions = DEFAULT_SCHEDULE_OPTIONS): Step {
  switch (event.type) {
    case 'activate':
      return state.kind === 'inactive' ? stay({ kind: 'waiting', episode: state.episode, needsLogin: state.needsLogin, retryAt: null }) : stay(state);
    case 'deactivate': {
      const inactive: ScheduleState = { kind: 'inactive', episode: state.episode, needsLogin: state.needsLogin };
      return { state: inactive, effects: state.kind === 'waiting' && state.retryAt !== null ? [{ type: 'cancel_retry_timer' }] : [] };
    }
    case 'trigger':
      return trigger(state, event);
    case 'plan_retry':
      return state.kind === 'running' ? stay(planRetry(state, event.now, event.random, event.retryAfterSeconds, opts)) : stay(state);
    case 'run_succeeded':
      return state.kind === 'running' ? stay({ ...state, episode: FRESH }) : stay(state);
    case 'run_settled': {
      if (state.kind !== 'running') return stay(state);
      const idle = publish({ kind: 'idle' });
      if (event.hasToken && (state.again || event.hasSendable))
        return { state: { ...state, again: false, plannedRetry: undefined }, effects: [idle, { type: 'start_run' }] };
      return { state: { kind: 'waiting', episode: state.episode, needsLogin: state.needsLogin, retryAt: null }, effects: [idle] };
    }
    case 'run_failed':
      return state.kind === 'running' ? failed(state, event, opts) : stay(state);
    case 'retry_due':
      return state.kind === 'waiting' ? stay({ ...state, retryAt: null }) : stay(state);
    case 'went_offline':
      if (state.kind !== 'waiting') return stay(state);
      return { state: { ...state, retryAt: null }, effects: [...(state.retryAt !== null ? [{ type: 'cancel_retry_timer' } as const] : []), publish({ kind: 'offline' })] };
    case 'pause_for_login':
      return { state: { ...state, needsLogin: true }, effects: [publish({ kind: 'needs_login' })] };
  }
}

function trigger(state: ScheduleState, e: Extract<ScheduleEvent, { type: 'trigger' }>): Step {
  if (state.kind === 'inactive') return stay(state);
  const effects: ScheduleEffect[] = [];
  let episode = state.episode;
  const newEpisode = NEW_EPISODE.has(e.reason);
  if (newEpisode) {
    episode = { ...episode, retries: 0, exhausted: false };
    if (state.kind === 'waiting' && state.retryAt !== null) effects.push({ type: 'cancel_retry_timer' });
  } else if (state.kind === 'waiting' && state.retryAt !== null) return stay(state);
  if (state.kind === 'running') return { state: { ...state, episode, again: state.again || newEpisode }, effects };
  const waiting = { kind: 'waiting' as const, episode, needsLogin: state.needsLogin, retryAt: null };
  if (!e.hasToken || (state.needsLogin && e.reason !== 'token')) return { state: waiting, effects: [...effects, publish({ kind: 'needs_login' })] };
  if (!e.online && e.reason !== 'manual') return { state: { ...waiting, needsLogin: false }, effects: [...effects, publish({ kind: 'offline' })] };
  return { state: { kind: 'running', episode, needsLogin: false, again: false, plannedRetry: undefined }, effects: [...effects, { type: 'start_run' }] };
}

/** Reserves the run's next automatic retry of this episode, once: its time, or null when none is left. */
function planRetry(
  state: Extract<ScheduleState, { kind: 'running' }>,
  now: number,
  random: number,
  retryAfterSeconds: number | undefined,
  opts: ScheduleOptions,
): Extract<ScheduleState, { kind: 'running' }> {
  if (state.plannedRetry !== undefined) return state;
  if (state.episode.retries >= opts.maxAutoRetries) return { ...state, plannedRetry: null };
  const delay = backoffDelay(state.episode.retries, random, retryAfterSeconds, opts.backoff);
  return { ...state, episode: { ...state.episode, retries: state.episode.retries + 1 }, plannedRetry: now + delay };
}

function failed(state: Extract<ScheduleState, { kind: 'running' }>, e: Extract<ScheduleEvent, { type: 'run_failed' }>, opts: ScheduleOptions): Step {
  const f = e.failure;
  if (f.kind === 'unauthorized')
    return { state: { kind: 'waiting', episode: state.episode, needsLogin: true, retryAt: null }, effects: [publish({ kind: 'needs_login' })] };
  let episode = state.episode;
  if (f.kind === 'transient') {
    const planned = planRetry({ ...state, episode: { ...episode, unreachable: f.unreachable } }, e.now, e.random, f.retryAfterSeconds, opts);
    episode = planned.episode;
    const at = planned.plannedRetry;
    if (at !== null && at !== undefined)
      return {
        state: { kind: 'waiting', episode, needsLogin: state.needsLogin, retryAt: at },
        effects: [publish({ kind: 'backing_off', until: at }), { type: 'set_retry_timer', at }],
      };
  }
  episode = { ...episode, exhausted: true };
  const status: ScheduleStatus = episode.unreachable || !e.online ? { kind: 'offline' } : { kind: 'error', message: f.message };
  return { state: { kind: 'waiting', episode, needsLogin: state.needsLogin, retryAt: null }, effects: [publish(status)] };
}

/** What the periodic timer does now: nothing, a run, or a probe of the server's health first. */
export function periodicAction(state: ScheduleState, facts: { readonly online: boolean; readonly hasToken: boolean; readonly hasWork: boolean }): 'none' | 'run' | 'probe' {
  if (state.kind !== 'waiting' || state.retryAt !== null || state.needsLogin) return 'none';
  if (!facts.online || !facts.hasToken || !facts.hasWork) return 'none';
  if (!state.episode.exhausted) return 'run';
  return state.episode.unreachable ? 'probe' : 'none';
}
