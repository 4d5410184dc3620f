// The server's own hybrid logical clock (node id `server`): stamps `serverHlc` and writes made
// by the server itself (restore_loser), always later than every stamp it has stored.
import { type HlcState, formatHlc, initialHlc, receiveHlc, tickHlc } from '@/core/hlc';
import type { Clock } from './clock';

export class ServerHlc {
  private state: HlcState = initialHlc('server');
  constructor(private readonly clock: Clock) {}

  /** A new stamp for a server event. */
  next(): string {
    this.state = tickHlc(this.state, this.clock.now());
    return formatHlc(this.state);
  }

  /** Advance past a stamp the server stored or received. */
  observe(stamp: string): void {
    this.state = receiveHlc(this.state, stamp, this.clock.now());
  }

  /** The current stamp, without a new event. */
  current(): string {
    if (this.state.ms < this.clock.now()) this.state = tickHlc(this.state, this.clock.now());
    return formatHlc(this.state);
  }
}
