// Which devices' next batch is worth deciding on the start guess (guess-start.ts). A wrong guess
// costs a statement that writes nothing, so after a batch that would have proved it wrong (a
// conflict, a replay, a failed change), the device's next batch is read first; after a clean
// batch it is guessed again. Only a hint: both ways decide and store the same.
// Bounded: the devices heard from longest ago are forgotten first (and then guessed).
export class GuessHints {
  private readonly readFirst = new Map<string, true>();

  constructor(private readonly max = 10_000) {}

  shouldGuess(userId: string, deviceId: string): boolean {
    return !this.readFirst.has(key(userId, deviceId));
  }

  /** How the device's last batch went: clean, or with something the guess does not cover. */
  record(userId: string, deviceId: string, clean: boolean): void {
    const k = key(userId, deviceId);
    this.readFirst.delete(k);
    if (clean) return;
    if (this.readFirst.size >= this.max) {
      const oldest = this.readFirst.keys().next();
      if (!oldest.done) this.readFirst.delete(oldest.value);
    }
    this.readFirst.set(k, true);
  }
}

function key(userId: string, deviceId: string): string {
  return `${userId}\n${deviceId}`;
}
