// A cap on password hashing in this process: at most `concurrency` scrypt checks at once, the
// rest wait in two queues, logins from a known device (a valid device token) first. Each queue
// holds at most `queueBound` waiting logins; one more is 503 UNAVAILABLE with Retry-After, so a
// flood of guesses costs the attacker answers, not the real users their login.
import { ApiError } from '../http/api-error';

export type HashPriority = 'known-device' | 'other';

export const hashingBusy = () =>
  new ApiError(503, 'UNAVAILABLE', 'too many logins at once, try again shortly', undefined, { 'Retry-After': '1' });

export class HashGate {
  private running = 0;
  private readonly queues: Record<HashPriority, Array<() => void>> = { 'known-device': [], other: [] };

  constructor(
    private readonly concurrency: number,
    private readonly queueBound: number,
  ) {}

  async run<T>(priority: HashPriority, work: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      const queue = this.queues[priority];
      if (queue.length >= this.queueBound) throw hashingBusy();
      // The slot is handed over by `release`, so `running` already counts this call.
      await new Promise<void>((resolve) => queue.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  private release(): void {
    const next = this.queues['known-device'].shift() ?? this.queues.other.shift();
    if (next) next();
    else this.running--;
  }
}
