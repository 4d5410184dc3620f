// Fair sharing of one instance between users: each user has at most `perUser` requests running
// at once, holding at most `bytesPerUser` of request body between them (one request always runs
// alone, however large); the rest of theirs wait their turn, first come first served. A user who
// floods the server with heavy requests from many connections therefore runs one at a time, a
// device sending its usual batches still runs its lanes side by side, and other users' requests
// never queue behind hers. Waiting requests have read nothing of their body yet (bodies are read
// when a handler asks), and how many may wait is bounded by the admission's per-user limit
// (admission.ts). A per-instance bound on concurrency, not state a decision about data depends on.
//
//   enter(user, bytes) ──(fits beside the user's running ones)──▶ running ──release()──▶ wakes the next that fits
//        └────────(does not fit)──▶ waiting ──(its turn, and it fits)──▶ running
//                                      └──(signal aborted)──▶ gone (rejected with the signal's reason)

export type Release = () => void;

interface Waiter {
  readonly bytes: number;
  readonly wake: () => void;
}

interface Running {
  count: number;
  bytes: number;
}

export class UserGate {
  private readonly running = new Map<string, Running>();
  private readonly waiting = new Map<string, Waiter[]>();

  constructor(
    readonly perUser: number,
    readonly bytesPerUser: number = Number.POSITIVE_INFINITY,
  ) {}

  /** Resolves with the release of a running slot; rejects when `signal` aborts while waiting. */
  enter(userId: string, bytes = 0, signal?: AbortSignal): Promise<Release> {
    if (!this.waiting.has(userId) && this.fits(userId, bytes)) return Promise.resolve(this.start(userId, bytes));
    return new Promise<Release>((resolve, reject) => {
      const queue = this.waiting.get(userId) ?? [];
      const waiter: Waiter = {
        bytes,
        wake: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.start(userId, bytes));
        },
      };
      const onAbort = () => {
        const q = this.waiting.get(userId);
        const i = q?.indexOf(waiter) ?? -1;
        if (q && i >= 0) {
          q.splice(i, 1);
          if (q.length === 0) this.waiting.delete(userId);
          // The one behind it may fit now.
          this.wakeFitting(userId);
        }
        reject(signal?.reason ?? new Error('aborted'));
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(waiter);
      this.waiting.set(userId, queue);
    });
  }

  /** Requests of `userId` running and waiting, for tests and metrics. */
  usage(userId: string): { readonly running: number; readonly waiting: number } {
    return { running: this.running.get(userId)?.count ?? 0, waiting: this.waiting.get(userId)?.length ?? 0 };
  }

  private fits(userId: string, bytes: number): boolean {
    const r = this.running.get(userId);
    if (!r || r.count === 0) return true;
    return r.count < this.perUser && r.bytes + bytes <= this.bytesPerUser;
  }

  private start(userId: string, bytes: number): Release {
    const r = this.running.get(userId) ?? { count: 0, bytes: 0 };
    r.count++;
    r.bytes += bytes;
    this.running.set(userId, r);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      r.count--;
      r.bytes -= bytes;
      if (r.count === 0) this.running.delete(userId);
      this.wakeFitting(userId);
    };
  }

  /** Starts waiting requests of `userId` in order while the first of them fits. */
  private wakeFitting(userId: string): void {
    const queue = this.waiting.get(userId);
    while (queue && queue.length > 0 && this.fits(userId, queue[0]!.bytes)) {
      const next = queue.shift()!;
      if (queue.length === 0) this.waiting.delete(userId);
      next.wake();
    }
  }
}
