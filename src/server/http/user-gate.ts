// Fair sharing of one instance between users: each user has at most `perUser` requests running
// at once; the rest of theirs wait their turn, first come first served. A user who floods the
// server with many connections therefore gets the same share of it as one with a single device,
// and the others' requests never queue behind hers. Waiting requests have read nothing of their
// body yet (bodies are read when a handler asks), and how many may wait is bounded by the
// admission's per-user limit (admission.ts). A per-instance bound on concurrency, not state a
// decision about data depends on.
//
//   enter(user) ──(fewer than perUser running)──▶ running ──release()──▶ the next waiting one runs
//        └────────(perUser running)──▶ waiting ──(a slot is handed over)──▶ running
//                                         └──(signal aborted)──▶ gone (AbortError)

export type Release = () => void;

export class UserGate {
  private readonly running = new Map<string, number>();
  private readonly waiting = new Map<string, Array<() => void>>();

  constructor(readonly perUser: number) {}

  /** Resolves with the release of a running slot; rejects when `signal` aborts while waiting. */
  enter(userId: string, signal?: AbortSignal): Promise<Release> {
    const n = this.running.get(userId) ?? 0;
    if (n < this.perUser) {
      this.running.set(userId, n + 1);
      return Promise.resolve(this.releaseFor(userId));
    }
    return new Promise<Release>((resolve, reject) => {
      const queue = this.waiting.get(userId) ?? [];
      const wake = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve(this.releaseFor(userId));
      };
      const onAbort = () => {
        const q = this.waiting.get(userId);
        const i = q?.indexOf(wake) ?? -1;
        if (q && i >= 0) {
          q.splice(i, 1);
          if (q.length === 0) this.waiting.delete(userId);
        }
        reject(signal?.reason ?? new Error('aborted'));
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(wake);
      this.waiting.set(userId, queue);
    });
  }

  /** Requests of `userId` running and waiting, for tests and metrics. */
  usage(userId: string): { readonly running: number; readonly waiting: number } {
    return { running: this.running.get(userId) ?? 0, waiting: this.waiting.get(userId)?.length ?? 0 };
  }

  private releaseFor(userId: string): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const queue = this.waiting.get(userId);
      const next = queue?.shift();
      if (queue && queue.length === 0) this.waiting.delete(userId);
      // The slot passes to the next waiting request: the running count stays as it is.
      if (next) return next();
      const n = (this.running.get(userId) ?? 1) - 1;
      if (n <= 0) this.running.delete(userId);
      else this.running.set(userId, n);
    };
  }
}
