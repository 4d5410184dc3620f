// A mobile link that all of a device's connections share, as one radio does: each direction
// sends at most its rate in total, taking the connections with bytes to send in turn (a few
// KB each, as TCP flows share a bottleneck fairly), and delivers every byte `oneWayMs` after it
// was sent. A connection may hold only a little unsent data before its sender is paused (a
// socket's send buffer), so a client's progress is what the link really carried. Counts the
// bytes delivered each way, lets a test see what reached the server, and can drop a connection
// mid-transfer: what was in flight is lost and both ends see a reset.
// Every scenario over a mobile link uses it, so that a client's parallel requests (two push
// batches in flight, photos beside records) compete for one uplink as they would on a phone.
import net from 'node:net';

export interface LinkShape {
  readonly oneWayMs: number;
  /** Client to server, in kbit/s (bits per ms); unset: as fast as loopback. */
  readonly upKbps?: number;
  /** Server to client. */
  readonly downKbps?: number;
}

export interface LinkConnection {
  readonly id: number;
  /** Ends both sides at once; bytes sent but not yet delivered are lost. */
  drop(): void;
}

export interface LinkCounts {
  /** Bytes delivered client to server, on every connection so far. */
  readonly up: number;
  readonly down: number;
  /** Bytes sent over the link but lost in flight when a connection was dropped. */
  readonly lostUp: number;
  readonly lostDown: number;
  readonly connections: number;
  readonly drops: number;
}

export interface SharedLinkHooks {
  /** Bytes as they reach the server, in order, per connection; may drop the connection. */
  onUp?(chunk: Buffer, connection: LinkConnection): void;
}

export interface SharedLink {
  readonly url: string;
  counts(): LinkCounts;
  close(): Promise<void>;
}

/** Bytes a connection sends before the next one has its turn. */
const SLICE = 4 * 1024;
/** Unsent bytes a connection may hold before its sender is paused, and when it resumes. */
const HIGH_WATER = 64 * 1024;
const LOW_WATER = 16 * 1024;

interface Flow {
  readonly from: net.Socket;
  readonly to: net.Socket;
  /** Not yet sent; null is the end of the stream. */
  readonly unsent: Array<Buffer | null>;
  unsentBytes: number;
  /** Sent, waiting out the delay. */
  readonly inFlight: Array<{ at: number; chunk: Buffer | null }>;
  timer: NodeJS.Timeout | null;
  dead: boolean;
  /** The wire had sent `chunk` at `at` (performance.now()): it arrives after the delay. */
  readonly sent: (chunk: Buffer | null, at: number) => void;
}

type Direction = 'up' | 'down';

export async function startSharedLink(targetPort: number, shape: LinkShape, hooks: SharedLinkHooks = {}): Promise<SharedLink> {
  const sockets = new Set<net.Socket>();
  const counts = { up: 0, down: 0, lostUp: 0, lostDown: 0, connections: 0, drops: 0 };
  const wires = { up: new Wire(shape.upKbps), down: new Wire(shape.downKbps) };

  const server = net.createServer({ allowHalfOpen: true }, (inbound) => {
    const outbound = net.connect({ host: '127.0.0.1', port: targetPort, allowHalfOpen: true });
    for (const s of [inbound, outbound]) {
      s.setNoDelay(true);
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    const connection: LinkConnection = {
      id: ++counts.connections,
      drop: () => {
        if (up.dead) return;
        counts.drops++;
        counts.lostUp += wires.up.kill(up);
        counts.lostDown += wires.down.kill(down);
        inbound.resetAndDestroy();
        outbound.resetAndDestroy();
      },
    };
    const deliver = (dir: Direction) => (chunk: Buffer) => {
      counts[dir] += chunk.byteLength;
      if (dir === 'up') hooks.onUp?.(chunk, connection);
    };
    const up = wires.up.open(inbound, outbound, shape.oneWayMs, deliver('up'));
    const down = wires.down.open(outbound, inbound, shape.oneWayMs, deliver('down'));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts: () => ({ ...counts }),
    close: () =>
      new Promise<void>((resolve) => {
        wires.up.stop();
        wires.down.stop();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** One direction of the link: sends the flows' bytes in turn at the rate, then delays them. */
class Wire {
  private readonly flows: Flow[] = [];
  private turn = 0;
  /** When the slice being sent is all sent. */
  private busyUntil = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly kbps: number | undefined) {}

  open(from: net.Socket, to: net.Socket, delayMs: number, delivered: (chunk: Buffer) => void): Flow {
    const flow: Flow = {
      from,
      to,
      unsent: [],
      unsentBytes: 0,
      inFlight: [],
      timer: null,
      dead: false,
      sent: (chunk, at) => {
        flow.inFlight.push({ at: at + delayMs, chunk });
        flow.timer ??= setTimeout(() => this.deliver(flow, delivered), Math.max(0, at + delayMs - performance.now()));
      },
    };
    this.flows.push(flow);
    from.on('data', (c: Buffer) => {
      flow.unsent.push(c);
      flow.unsentBytes += c.byteLength;
      if (flow.unsentBytes > HIGH_WATER) from.pause();
      this.pump();
    });
    from.on('end', () => {
      flow.unsent.push(null);
      this.pump();
    });
    // An error or a reset on one side ends the other at once: nothing is left to deliver.
    from.on('error', () => {
      this.kill(flow);
      to.destroy();
    });
    from.on('close', () => {
      if (!flow.dead && flow.unsent.length === 0 && flow.inFlight.length === 0) to.end();
    });
    return flow;
  }

  /** Forgets a flow; returns the bytes it had sent that will now never arrive. */
  kill(flow: Flow): number {
    flow.dead = true;
    if (flow.timer) clearTimeout(flow.timer);
    flow.timer = null;
    const lost = flow.inFlight.reduce((n, f) => n + (f.chunk?.byteLength ?? 0), 0);
    flow.inFlight.length = 0;
    flow.unsent.length = 0;
    flow.unsentBytes = 0;
    const i = this.flows.indexOf(flow);
    if (i >= 0) this.flows.splice(i, 1);
    return lost;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const f of [...this.flows]) this.kill(f);
  }

  /**
   * Starts sending the next slice when the wire is free: the next flow's turn. While the wire
   * stays busy (`continuing`), a slice starts when the last one ended, not when its timer fired,
   * so that timers firing late do not make the link slower than its rate.
   */
  private pump(continuing = false): void {
    if (this.timer) return;
    const ready = this.flows.filter((f) => f.unsent.length > 0);
    if (ready.length === 0) return;
    const flow = ready[this.turn++ % ready.length]!;
    const slice = takeSlice(flow);
    if (flow.unsentBytes < LOW_WATER && flow.from.isPaused()) flow.from.resume();
    const now = performance.now();
    const start = continuing ? this.busyUntil : Math.max(now, this.busyUntil);
    const sentAt = start + (this.kbps === undefined || slice === null ? 0 : (slice.byteLength * 8) / this.kbps);
    this.busyUntil = sentAt;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!flow.dead) flow.sent(slice, sentAt);
      this.pump(true);
    }, Math.max(0, sentAt - now));
  }

  private deliver(flow: Flow, delivered: (chunk: Buffer) => void): void {
    flow.timer = null;
    const now = performance.now();
    while (!flow.dead && flow.inFlight.length > 0 && flow.inFlight[0]!.at <= now) {
      const { chunk } = flow.inFlight.shift()!;
      if (flow.to.destroyed) return;
      if (chunk === null) {
        flow.to.end();
      } else {
        flow.to.write(chunk);
        delivered(chunk);
      }
    }
    if (!flow.dead && flow.inFlight.length > 0) flow.timer = setTimeout(() => this.deliver(flow, delivered), flow.inFlight[0]!.at - now);
  }
}

/** Up to SLICE bytes from the head of a flow's unsent bytes (or its end). */
function takeSlice(flow: Flow): Buffer | null {
  const head = flow.unsent[0]!;
  if (head === null) {
    flow.unsent.shift();
    return null;
  }
  if (head.byteLength <= SLICE) {
    flow.unsent.shift();
    flow.unsentBytes -= head.byteLength;
    return head;
  }
  flow.unsent[0] = head.subarray(SLICE);
  flow.unsentBytes -= SLICE;
  return head.subarray(0, SLICE);
}
