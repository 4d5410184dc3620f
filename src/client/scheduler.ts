// When the syncing tab syncs: the shell around the pure state machine of src/core/sync-schedule.ts
// (its diagram and rules are there). Triggers, run outcomes and timers go in as events; this
// class carries out the effects: it starts the run (one at a time), sets the retry timer and
// publishes the state. The periodic timer runs while there is work; once the retries are spent
// and the server was unreachable it only probes /api/v1/health, and a successful probe begins a
// new episode.
import type { BackoffOptions } from '@/core/backoff';
import {
  DEFAULT_MAX_AUTO_RETRIES, DEFAULT_SCHEDULE_OPTIONS, INACTIVE, NEW_EPISODE, type RunFailure, type ScheduleEffect, type ScheduleEvent,
  type ScheduleOptions, type ScheduleState, type TriggerReason, periodicAction, step,
} from '@/core/sync-schedule';
import type { Environment, TimerHandle } from './env';
import { HttpError, NetworkError, ProtocolError, TimeoutError, TransportError, UnauthorizedError } from './errors';
import type { EngineState, FailureCause } from './sync-store';

export { DEFAULT_MAX_AUTO_RETRIES, NEW_EPISODE, type TriggerReason };
export const DEFAULT_PERIODIC_MS = 30_000;

/** What the scheduler drives. */
export interface SyncRunner {
  /** Push everything, then pull everything. `planRetry` reserves the next retry for a transient failure. */
  run(planRetry: (e: TransportError) => number | null): Promise<void>;
  /** After a run that pushed and pulled everything. */
  succeeded(): Promise<void>;
  hasToken(): boolean;
  /** Something can be sent right now. */
  hasSendable(): Promise<boolean>;
  /** Pending or failed entries exist. */
  hasWork(): Promise<boolean>;
  /** GET /api/v1/health answered ok. */
  probe(): Promise<boolean>;
  publish(state: EngineState): void;
  /** After every run, whatever its outcome. */
  settled(): Promise<void>;
  /** The cause of a failed run, or null after one that succeeded. */
  failed?(cause: FailureCause | null): void;
}

export interface SchedulerOptions {
  readonly periodicMs?: number;
  readonly maxAutoRetries?: number;
  readonly backoff?: BackoffOptions;
}

/** A run's error as the state machine sees it. */
export function classifyFailure(e: unknown): RunFailure {
  if (e instanceof UnauthorizedError) return { kind: 'unauthorized' };
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof TransportError && e.transient) {
    // A page that is not the protocol (a captive portal's HTML) means the server was not reached either.
    const unreachable = e instanceof NetworkError || e instanceof TimeoutError || e instanceof ProtocolError;
    return { kind: 'transient', unreachable, retryAfterSeconds: retryAfterOf(e), message };
  }
  return { kind: 'other', message };
}

/** Why a run failed, in the words the status bar needs: unreachable, busy (429/503), another 5xx, 401, other. */
export function failureCause(e: unknown): FailureCause {
  if (e instanceof UnauthorizedError) return 'unauthorized';
  if (e instanceof NetworkError || e instanceof TimeoutError || e instanceof ProtocolError) return 'network';
  if (e instanceof HttpError && (e.status === 429 || e.status === 503)) return 'busy';
  if (e instanceof HttpError && e.status >= 500) return 'server';
  return 'other';
}

function retryAfterOf(e: TransportError): number | undefined {
  return 'retryAfter' in e ? (e as { retryAfter?: number }).retryAfter : undefined;
}

export class SyncScheduler {
  private state: ScheduleState = INACTIVE;
  private running: Promise<void> | null = null;
  /** The state machine started another run while this one was ending. */
  private rerun = false;
  private retryTimer: TimerHandle | null = null;
  private periodicTimer: TimerHandle | null = null;
  private periodicBusy = false;
  private readonly schedule: ScheduleOptions;

  constructor(
    private readonly env: Environment,
    private readonly runner: SyncRunner,
    private readonly opts: SchedulerOptions = {},
  ) {
    this.schedule = {
      maxAutoRetries: opts.maxAutoRetries ?? DEFAULT_SCHEDULE_OPTIONS.maxAutoRetries,
      backoff: opts.backoff ?? DEFAULT_SCHEDULE_OPTIONS.backoff,
    };
  }

  /** This tab now holds the lock: start the periodic timer and sync. */
  activate(): void {
    this.dispatch({ type: 'activate' });
    this.schedulePeriodic();
    void this.trigger('start');
  }

  /** Stops timers and waits for a run in flight. */
  async deactivate(): Promise<void> {
    this.dispatch({ type: 'deactivate' });
    if (this.periodicTimer !== null) this.env.timers.clearTimeout(this.periodicTimer);
    this.periodicTimer = null;
    await this.whenIdle();
  }

  async whenIdle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** The token was refused (or cleared): wait for a new one. */
  pauseForLogin(): void {
    this.dispatch({ type: 'pause_for_login' });
  }

  /** Starts a run for `reason` if the rules allow; resolves when that run ends. */
  trigger(reason: TriggerReason): Promise<void> {
    this.dispatch({ type: 'trigger', reason, hasToken: this.runner.hasToken(), online: this.env.connectivity.isOnline() });
    return this.running ?? Promise.resolve();
  }

  /** The browser says the device went offline: a pending backoff is pointless. */
  wentOffline(): void {
    this.dispatch({ type: 'went_offline' });
  }

  private dispatch(event: ScheduleEvent): void {
    const next = step(this.state, event, this.schedule);
    this.state = next.state;
    for (const effect of next.effects) this.carryOut(effect);
  }

  private carryOut(effect: ScheduleEffect): void {
    switch (effect.type) {
      case 'start_run':
        if (this.running) this.rerun = true;
        else this.running = this.loop();
        return;
      case 'set_retry_timer':
        this.cancelRetryTimer();
        this.retryTimer = this.env.timers.setTimeout(() => {
          this.retryTimer = null;
          this.dispatch({ type: 'retry_due' });
          void this.trigger('retry');
        }, Math.max(0, effect.at - this.env.clock.now()));
        return;
      case 'cancel_retry_timer':
        this.cancelRetryTimer();
        return;
      case 'publish':
        this.runner.publish(effect.status);
        return;
    }
  }

  /** Runs until the state machine asks for no more; never rejects: every failure is published as state. */
  private async loop(): Promise<void> {
    for (;;) {
      do {
        this.rerun = false;
        await this.runOnce().catch((e: unknown) => this.runFailed(e));
      } while (this.rerun);
      await this.runner.settled().catch(() => undefined);
      // A run asked for while `settled` was awaited is run by this loop too.
      if (!this.rerun) {
        this.running = null;
        return;
      }
    }
  }

  private async runOnce(): Promise<void> {
    try {
      await this.runner.run((e) => this.planRetry(e));
    } catch (e) {
      this.runFailed(e);
      return;
    }
    this.runner.failed?.(null);
    this.dispatch({ type: 'run_succeeded' });
    try {
      await this.runner.succeeded();
      const hasToken = this.runner.hasToken();
      const hasSendable = this.state.kind === 'running' && hasToken ? await this.runner.hasSendable() : false;
      this.dispatch({ type: 'run_settled', hasToken, hasSendable });
    } catch (e) {
      this.runFailed(e); // the database went away under us (tab closing, storage error)
    }
  }

  private runFailed(e: unknown): void {
    this.runner.failed?.(failureCause(e));
    this.dispatch({ type: 'run_failed', failure: classifyFailure(e), now: this.env.clock.now(), random: this.env.random(), online: this.env.connectivity.isOnline() });
  }

  /** Reserves the next automatic retry of this episode: its time, or null when none is left. */
  private planRetry(e: TransportError): number | null {
    this.dispatch({ type: 'plan_retry', now: this.env.clock.now(), random: this.env.random(), retryAfterSeconds: retryAfterOf(e) });
    return this.state.kind === 'running' ? (this.state.plannedRetry ?? null) : null;
  }

  private cancelRetryTimer(): void {
    if (this.retryTimer !== null) this.env.timers.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private schedulePeriodic(): void {
    if (this.state.kind === 'inactive') return;
    this.periodicTimer = this.env.timers.setTimeout(() => {
      this.schedulePeriodic();
      if (this.periodicBusy) return;
      this.periodicBusy = true;
      void this.periodic()
        .catch(() => undefined)
        .finally(() => (this.periodicBusy = false));
    }, this.opts.periodicMs ?? DEFAULT_PERIODIC_MS);
  }

  private async periodic(): Promise<void> {
    const online = this.env.connectivity.isOnline();
    const hasToken = this.runner.hasToken();
    if (periodicAction(this.state, { online, hasToken, hasWork: true }) === 'none') return;
    const hasWork = await this.runner.hasWork();
    const action = periodicAction(this.state, { online, hasToken, hasWork });
    if (action === 'run') await this.trigger('periodic');
    else if (action === 'probe' && (await this.runner.probe())) await this.trigger('probe');
  }
}
