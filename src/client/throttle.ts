// Coalesces requests for an async task (recounting the outbox after writes): requests during a
// run are all served by ONE more run after it. A few runs in a row go at once (`burst`, so a
// write and the sync that follows are shown without delay); in a longer burst the runs are
// spaced by `costFactor` times the last run's duration, at most `maxGapMs`: a cheap task (a
// small outbox) reruns almost at once, an expensive one (10,000 entries to count) takes at most
// about 1/(1 + costFactor) of the time, and never once per write. (IndexedDB also makes writes to the outbox wait for a count that
// is reading it, so counting after every write would make each write wait for a full count.)
export interface ThrottleOptions {
  readonly maxGapMs: number;
  readonly costFactor: number;
  /** Runs allowed back to back before the spacing applies; one more is allowed per gap. */
  readonly burst: number;
}

export const DEFAULT_THROTTLE: ThrottleOptions = { maxGapMs: 50, costFactor: 2, burst: 8 };

export class Throttled {
  private running: Promise<void> | null = null;
  private next: { promise: Promise<void>; resolve: () => void } | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastEnd = -Infinity;
  private lastCost = 0;
  private credit: number;
  private creditAt = -Infinity;
  private stopped = false;

  constructor(
    private readonly task: () => Promise<void>,
    private readonly opts: ThrottleOptions = DEFAULT_THROTTLE,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.credit = opts.burst;
  }

  /** Resolves after a run that started after this request (never rejects). */
  request(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.next) return this.next.promise;
    if (!this.running && this.waitMs() === 0) return this.start();
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    this.next = { promise, resolve };
    this.schedule();
    return promise;
  }

  /** No more runs; a request waiting for one is resolved. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.next?.resolve();
    this.next = null;
  }

  private gap(): number {
    return Math.min(this.opts.maxGapMs, this.lastCost * this.opts.costFactor);
  }

  /** How long until the next run may start: 0 while burst credit is left, else one gap after the last run. */
  private waitMs(): number {
    const now = this.now();
    const gap = this.gap();
    if (gap <= 0) return 0;
    this.credit = Math.min(this.opts.burst, this.credit + (now - Math.max(this.creditAt, this.lastEnd)) / gap);
    this.creditAt = now;
    return this.credit >= 1 ? 0 : Math.max(0, this.lastEnd + gap - now);
  }

  private start(): Promise<void> {
    const began = this.now();
    this.credit = Math.max(0, this.credit - 1);
    const run = this.task()
      .catch(() => undefined)
      .finally(() => {
        this.lastEnd = this.now();
        this.lastCost = this.lastEnd - began;
        this.running = null;
        if (this.next) this.schedule();
      });
    this.running = run;
    return run;
  }

  private schedule(): void {
    if (this.timer !== null || this.running || this.stopped) return;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        const waiting = this.next;
        this.next = null;
        if (this.stopped || !waiting) return waiting?.resolve();
        void this.start().then(waiting.resolve);
      },
      this.waitMs(),
    );
  }
}
