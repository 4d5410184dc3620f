// How many requests one instance takes on at once, so that no burst can exhaust its memory:
// at most `maxInFlight` requests, at most `bodyMemoryBytes` reserved for the bodies they hold,
// and at most `maxInFlightPerUser` requests of one signed-in user. Pure counting: the caller
// says how many bytes a request may hold and who sent it; beyond a bound it gets a refusal to
// answer with (503 for the instance's bounds, 429 for a user's), never a queue.
//
//   admit(bytes) ──▶ Ticket ──joinUser(id)──▶ (counted for that user) ──release()──▶ gone
//        │                │                └─ false: user full (the ticket is released)
//        │                └─ grow(bytes): more memory once known (false: over the budget)
//        └─ null: instance full
//
// These bounds protect one process's memory, so they are per instance by nature; the
// deployment-wide request rates are the rate limiters' (rate-limit.ts).

export interface AdmissionLimits {
  readonly maxInFlight: number;
  readonly maxInFlightPerUser: number;
  readonly bodyMemoryBytes: number;
}

export interface Ticket {
  /** Counts the request for `userId`; false (and the ticket released) when that user is at the limit. */
  joinUser(userId: string): boolean;
  /** Reserves `bytes` more (an encoded body once decoded); false when the budget cannot take them. */
  grow(bytes: number): boolean;
  /** Gives the slot and the bytes back; safe to call more than once. */
  release(): void;
}

export class Admission {
  private inFlight = 0;
  private reserved = 0;
  private readonly perUser = new Map<string, number>();

  constructor(readonly limits: AdmissionLimits) {}

  /**
   * A slot for a request that may hold `bytes` of body in memory, or null when the instance is
   * at its limit. A request larger than the whole budget still gets in when nothing else holds
   * bytes, so a small budget slows big bodies down rather than refusing them for ever.
   */
  admit(bytes: number): Ticket | null {
    const { maxInFlight, bodyMemoryBytes } = this.limits;
    if (this.inFlight >= maxInFlight) return null;
    if (bytes > 0 && this.reserved > 0 && this.reserved + bytes > bodyMemoryBytes) return null;
    this.inFlight++;
    this.reserved += bytes;
    let held = bytes;
    let user: string | undefined;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.inFlight--;
      this.reserved -= held;
      if (user !== undefined) {
        const n = (this.perUser.get(user) ?? 1) - 1;
        if (n <= 0) this.perUser.delete(user);
        else this.perUser.set(user, n);
      }
    };
    return {
      joinUser: (userId) => {
        if (released || user !== undefined) return !released;
        const n = this.perUser.get(userId) ?? 0;
        if (n >= this.limits.maxInFlightPerUser) {
          release();
          return false;
        }
        this.perUser.set(userId, n + 1);
        user = userId;
        return true;
      },
      grow: (more) => {
        if (released) return false;
        // Alone, a request may grow past the budget (as admit lets it in), never beside others.
        if (more > 0 && this.reserved > held && this.reserved + more > bodyMemoryBytes) return false;
        held += more;
        this.reserved += more;
        return true;
      },
      release,
    };
  }

  /** What is held now, for metrics and tests. */
  usage(): { readonly inFlight: number; readonly reservedBytes: number; readonly users: number } {
    return { inFlight: this.inFlight, reservedBytes: this.reserved, users: this.perUser.size };
  }
}
