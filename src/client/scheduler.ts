// When the syncing tab syncs. Triggers come in; the scheduler decides whether a run starts,
// keeps at most one run going, backs off after transient failures and publishes the state.
//
//   trigger ──▶ run: push all ▶ pull all ──ok──▶ idle (again while there is sendable work)
//                      │ transient (network, timeout, 5xx, 429, not the protocol)
//                      ├─ retries left in this episode ──▶ backing_off{until} ──timer──▶ run
//                      ├─ none left ──▶ offline (unreachable) or error; next trigger runs again
//                      │ 401 ──▶ needs_login (no retry used) ──new token──▶ run
//                      └ other ──▶ error; next trigger runs again
//
// A new connectivity episode (start, online, probe success, visible, manual, new token) resets
// the retry budget and cancels a pending backoff. Other triggers (local write, another tab's
// write, service worker message, periodic timer) run unless a backoff is pending. The periodic
// timer runs while there is work; once the retries are spent and the server was unreachable it
// only probes /api/v1/health, and a successful probe begins a new episode.
import { type BackoffOptions, DEFAULT_BACKOFF, backoffDelay } from '@/core/backoff';
import type { Environment, TimerHandle } from './env';
import { NetworkError, ProtocolError, TimeoutError, TransportError, UnauthorizedError } from './errors';
import type { EngineState } from './sync-store';

export type TriggerReason =
  | 'start' | 'online' | 'probe' | 'visible' | 'manual' | 'token'
  | 'local-write' | 'remote-write' | 'service-worker' | 'periodic' | 'retry';

export const NEW_EPISODE: ReadonlySet<TriggerReason> = new Set(['start', 'online', 'probe', 'visible', 'manual', 'token']);
export const DEFAULT_PERIODIC_MS = 30_000;
export const DEFAULT_MAX_AUTO_RETRIES = 3;

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
}

export interface SchedulerOptions {
  readonly periodicMs?: number;
  readonly maxAutoRetries?: number;
  readonly backoff?: BackoffOptions;
}

export class SyncScheduler {
  private active = false;
  private running: Promise<void> | null = null;
  private again = false;
  private needsLogin = false;
  private episodeRetries = 0;
  private exhausted = false;
  private unreachable = false;
  private plannedRetry: number | null | undefined = undefined;
  private retryTimer: TimerHandle | null = null;
  private periodicTimer: TimerHandle | null = null;
  private periodicBusy = false;

  constructor(
    private readonly env: Environment,
    private readonly runner: SyncRunner,
    private readonly opts: SchedulerOptions = {},
  ) {}

  /** This tab now holds the lock: start the periodic timer and sync. */
  activate(): void {
    this.active = true;
    this.schedulePeriodic();
    void this.trigger('start');
  }

  /** Stops timers and waits for a run in flight. */
  async deactivate(): Promise<void> {
    this.active = false;
    this.cancelRetry();
    if (this.periodicTimer !== null) this.env.timers.clearTimeout(this.periodicTimer);
    this.periodicTimer = null;
    await this.whenIdle();
  }

  async whenIdle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** The token was refused (or cleared): wait for a new one. */
  pauseForLogin(): void {
    this.needsLogin = true;
    this.runner.publish({ kind: 'needs_login' });
  }

  /** Starts a run for `reason` if the rules allow; resolves when that run ends. */
  trigger(reason: TriggerReason): Promise<void> {
    if (!this.active) return Promise.resolve();
    const episode = NEW_EPISODE.has(reason);
    if (episode) {
      this.episodeRetries = 0;
      this.exhausted = false;
      this.cancelRetry();
    } else if (this.retryTimer !== null) return Promise.resolve();
    if (this.running) {
      if (episode) this.again = true;
      return this.running;
    }
    if (!this.runner.hasToken() || (this.needsLogin && reason !== 'token')) {
      this.runner.publish({ kind: 'needs_login' });
      return Promise.resolve();
    }
    this.needsLogin = false;
    if (!this.env.connectivity.isOnline() && reason !== 'manual') {
      this.runner.publish({ kind: 'offline' });
      return Promise.resolve();
    }
    // A run never rejects: every failure is published as state.
    this.running = this.loop()
      .catch((e: unknown) => this.failed(e))
      .then(() => this.runner.settled())
      .catch(() => undefined)
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  /** The browser says the device went offline: a pending backoff is pointless. */
  wentOffline(): void {
    this.cancelRetry();
    if (!this.running && this.active) this.runner.publish({ kind: 'offline' });
  }

  private async loop(): Promise<void> {
    for (;;) {
      this.again = false;
      this.plannedRetry = undefined;
      try {
        await this.runner.run((e) => this.planRetry(e));
      } catch (e) {
        this.failed(e);
        return;
      }
      this.episodeRetries = 0;
      this.exhausted = false;
      this.unreachable = false;
      try {
        await this.runner.succeeded();
        this.runner.publish({ kind: 'idle' });
        if (!this.active || !this.runner.hasToken()) return;
        if (!this.again && !(await this.runner.hasSendable())) return;
      } catch (e) {
        this.failed(e); // the database went away under us (tab closing, storage error)
        return;
      }
    }
  }

  private failed(e: unknown): void {
    if (e instanceof UnauthorizedError) {
      this.pauseForLogin();
      return;
    }
    const message = e instanceof Error ? e.message : String(e);
    if (e instanceof TransportError && e.transient) {
      // A page that is not the protocol (a captive portal's HTML) means the server was not reached either.
      this.unreachable = e instanceof NetworkError || e instanceof TimeoutError || e instanceof ProtocolError;
      const at = this.plannedRetry === undefined ? this.planRetry(e) : this.plannedRetry;
      if (at !== null && this.active) {
        this.runner.publish({ kind: 'backing_off', until: at });
        this.retryTimer = this.env.timers.setTimeout(() => {
          this.retryTimer = null;
          void this.trigger('retry');
        }, Math.max(0, at - this.env.clock.now()));
        return;
      }
    }
    this.exhausted = true;
    this.runner.publish(this.unreachable || !this.env.connectivity.isOnline() ? { kind: 'offline' } : { kind: 'error', message });
  }

  /** Reserves the next automatic retry of this episode: its time, or null when none is left. */
  private planRetry(e: TransportError): number | null {
    if (this.plannedRetry !== undefined) return this.plannedRetry;
    const max = this.opts.maxAutoRetries ?? DEFAULT_MAX_AUTO_RETRIES;
    if (this.episodeRetries >= max) return (this.plannedRetry = null);
    const retryAfter = 'retryAfter' in e ? (e as { retryAfter?: number }).retryAfter : undefined;
    const delay = backoffDelay(this.episodeRetries, this.env.random(), retryAfter, this.opts.backoff ?? DEFAULT_BACKOFF);
    this.episodeRetries += 1;
    return (this.plannedRetry = this.env.clock.now() + delay);
  }

  private cancelRetry(): void {
    if (this.retryTimer !== null) this.env.timers.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private schedulePeriodic(): void {
    if (!this.active) return;
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
    if (!this.active || this.running || this.retryTimer !== null) return;
    if (!this.env.connectivity.isOnline() || !this.runner.hasToken() || this.needsLogin) return;
    if (!(await this.runner.hasWork())) return;
    if (!this.exhausted) await this.trigger('periodic');
    else if (this.unreachable && (await this.runner.probe())) await this.trigger('probe');
  }
}
