// A slow link for the bench: a TCP proxy on 127.0.0.1 that delivers every byte `oneWayMs`
// after it was sent, in each direction, in order, so a request and its answer take a round trip
// of 2 × oneWayMs more than they would; and, with a rate, no faster than that rate allows (each
// direction sends one chunk after another, a chunk of n bytes taking n × 8 / rate), as a mobile
// connection's uplink and downlink do. No loss. What a sync protocol's design decides is how
// many round trips and how many bytes a queue costs; this is where both show.
import net from 'node:net';

export interface LinkShape {
  readonly oneWayMs: number;
  /** Client to server, in kbit/s (bits per ms); unset: as fast as loopback. */
  readonly upKbps?: number;
  /** Server to client. */
  readonly downKbps?: number;
}

export interface Link {
  /** `http://127.0.0.1:<port>`: the target, reached through the link. */
  readonly url: string;
  close(): Promise<void>;
}

export async function startLink(targetPort: number, shape: LinkShape): Promise<Link> {
  const sockets = new Set<net.Socket>();
  // Half-open allowed on both sides: an end is passed on late like any byte, not answered at once.
  const server = net.createServer({ allowHalfOpen: true }, (inbound) => {
    const outbound = net.connect({ host: '127.0.0.1', port: targetPort, allowHalfOpen: true });
    for (const s of [inbound, outbound]) {
      s.setNoDelay(true);
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    delayed(inbound, outbound, shape.oneWayMs, shape.upKbps);
    delayed(outbound, inbound, shape.oneWayMs, shape.downKbps);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Copies `from` to `to`, each chunk (and the end) `ms` after it was sent at `kbps`. */
function delayed(from: net.Socket, to: net.Socket, ms: number, kbps: number | undefined): void {
  const queue: Array<{ at: number; chunk: Buffer | null }> = [];
  let timer: NodeJS.Timeout | null = null;
  // When the last chunk queued is all sent: the next one starts then, or when it arrives.
  let sentBy = 0;
  const flush = () => {
    timer = null;
    const now = performance.now();
    while (queue.length > 0 && queue[0]!.at <= now) {
      const { chunk } = queue.shift()!;
      if (to.destroyed) return;
      if (chunk === null) to.end();
      else to.write(chunk);
    }
    if (queue.length > 0) timer = setTimeout(flush, queue[0]!.at - now);
  };
  const push = (chunk: Buffer | null) => {
    const now = performance.now();
    sentBy = Math.max(now, sentBy) + (kbps === undefined || chunk === null ? 0 : (chunk.byteLength * 8) / kbps);
    queue.push({ at: sentBy + ms, chunk });
    timer ??= setTimeout(flush, sentBy + ms - now);
  };
  from.on('data', (c: Buffer) => push(c));
  from.on('end', () => push(null));
  // An error or a reset on one side ends the other at once: nothing is left to deliver.
  from.on('error', () => to.destroy());
  from.on('close', () => {
    if (queue.length === 0) to.end();
  });
}
