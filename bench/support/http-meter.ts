// Reads the bytes of one HTTP/1.1 connection, one direction (client to server), as they cross
// the bench's link and says which request each byte belongs to, and whether it is head, body
// content or chunked framing. The photo scenario counts with it how many bytes of a file went
// up, how many went up twice after a dropped connection, and where a drop should fall.
// Pure: bytes in, events out; no sockets, no clock.

export interface RequestHead {
  readonly method: string;
  /** The request target as sent (path and query). */
  readonly path: string;
  /** Header names lowercased; a repeated header keeps its last value. */
  readonly headers: Readonly<Record<string, string>>;
}

export type MeterEvent =
  /** The request line and headers, with their size on the wire. */
  | { readonly kind: 'head'; readonly head: RequestHead; readonly bytes: number }
  /** Content bytes of the body (without chunked framing). */
  | { readonly kind: 'body'; readonly head: RequestHead; readonly bytes: number }
  /** Chunk sizes, their line ends and trailers of a chunked body. */
  | { readonly kind: 'framing'; readonly head: RequestHead; readonly bytes: number }
  /** The whole body has been read. */
  | { readonly kind: 'end'; readonly head: RequestHead }
  /** Bytes the meter could not read as HTTP/1.1 (after that, everything on the connection). */
  | { readonly kind: 'unknown'; readonly bytes: number };

// A request head bigger than this is not HTTP as the bench speaks it.
const MAX_HEAD = 64 * 1024;

type State =
  | { readonly kind: 'head'; readonly buffered: Buffer }
  | { readonly kind: 'length'; readonly head: RequestHead; readonly left: number }
  | { readonly kind: 'chunk-size'; readonly head: RequestHead; readonly line: string }
  | { readonly kind: 'chunk-data'; readonly head: RequestHead; readonly left: number }
  | { readonly kind: 'chunk-end'; readonly head: RequestHead; readonly seen: number }
  | { readonly kind: 'trailers'; readonly head: RequestHead; readonly line: string }
  | { readonly kind: 'opaque' };

export class RequestStreamMeter {
  private state: State = { kind: 'head', buffered: Buffer.alloc(0) };

  feed(chunk: Uint8Array): MeterEvent[] {
    const events: MeterEvent[] = [];
    let data = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    while (data.length > 0) {
      const [next, used] = step(this.state, data, events);
      this.state = next;
      data = data.subarray(used);
    }
    return events;
  }
}

/** Reads from `data` what the state can take; returns the next state and the bytes used. */
function step(s: State, data: Buffer, out: MeterEvent[]): [State, number] {
  switch (s.kind) {
    case 'opaque':
      out.push({ kind: 'unknown', bytes: data.length });
      return [s, data.length];
    case 'head': {
      const all = Buffer.concat([s.buffered, data]);
      const end = all.indexOf('\r\n\r\n');
      if (end < 0) {
        if (all.length > MAX_HEAD) {
          out.push({ kind: 'unknown', bytes: all.length });
          return [{ kind: 'opaque' }, data.length];
        }
        return [{ kind: 'head', buffered: all }, data.length];
      }
      const size = end + 4;
      const head = parseHead(all.subarray(0, end).toString('latin1'));
      const used = size - s.buffered.length;
      if (!head) {
        out.push({ kind: 'unknown', bytes: all.length });
        return [{ kind: 'opaque' }, data.length];
      }
      out.push({ kind: 'head', head, bytes: size });
      if (/\bchunked\b/i.test(head.headers['transfer-encoding'] ?? '')) return [{ kind: 'chunk-size', head, line: '' }, used];
      const length = Number(head.headers['content-length'] ?? 0);
      if (!Number.isSafeInteger(length) || length < 0) {
        out.push({ kind: 'unknown', bytes: all.length - size });
        return [{ kind: 'opaque' }, data.length];
      }
      if (length === 0) {
        out.push({ kind: 'end', head });
        return [{ kind: 'head', buffered: Buffer.alloc(0) }, used];
      }
      return [{ kind: 'length', head, left: length }, used];
    }
    case 'length': {
      const n = Math.min(s.left, data.length);
      out.push({ kind: 'body', head: s.head, bytes: n });
      if (n < s.left) return [{ ...s, left: s.left - n }, n];
      out.push({ kind: 'end', head: s.head });
      return [{ kind: 'head', buffered: Buffer.alloc(0) }, n];
    }
    case 'chunk-size': {
      const nl = data.indexOf('\n');
      if (nl < 0) {
        out.push({ kind: 'framing', head: s.head, bytes: data.length });
        return [{ ...s, line: s.line + data.toString('latin1') }, data.length];
      }
      out.push({ kind: 'framing', head: s.head, bytes: nl + 1 });
      const size = parseInt((s.line + data.subarray(0, nl).toString('latin1')).split(';')[0]!.trim(), 16);
      if (Number.isNaN(size)) {
        out.push({ kind: 'unknown', bytes: data.length - nl - 1 });
        return [{ kind: 'opaque' }, data.length];
      }
      if (size === 0) return [{ kind: 'trailers', head: s.head, line: '' }, nl + 1];
      return [{ kind: 'chunk-data', head: s.head, left: size }, nl + 1];
    }
    case 'chunk-data': {
      const n = Math.min(s.left, data.length);
      out.push({ kind: 'body', head: s.head, bytes: n });
      return [n < s.left ? { ...s, left: s.left - n } : { kind: 'chunk-end', head: s.head, seen: 0 }, n];
    }
    case 'chunk-end': {
      // The CRLF after a chunk's data.
      const n = Math.min(2 - s.seen, data.length);
      out.push({ kind: 'framing', head: s.head, bytes: n });
      return [s.seen + n < 2 ? { ...s, seen: s.seen + n } : { kind: 'chunk-size', head: s.head, line: '' }, n];
    }
    case 'trailers': {
      // After the last chunk: trailer lines, then an empty line ends the request.
      const nl = data.indexOf('\n');
      if (nl < 0) {
        out.push({ kind: 'framing', head: s.head, bytes: data.length });
        return [{ ...s, line: s.line + data.toString('latin1') }, data.length];
      }
      out.push({ kind: 'framing', head: s.head, bytes: nl + 1 });
      const line = (s.line + data.subarray(0, nl).toString('latin1')).trim();
      if (line === '') {
        out.push({ kind: 'end', head: s.head });
        return [{ kind: 'head', buffered: Buffer.alloc(0) }, nl + 1];
      }
      return [{ ...s, line: '' }, nl + 1];
    }
  }
}

function parseHead(text: string): RequestHead | null {
  const [first, ...lines] = text.split('\r\n');
  const m = /^([A-Z]+) (\S+) HTTP\/1\.[01]$/.exec(first ?? '');
  if (!m) return null;
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    if (i <= 0) return null;
    headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return { method: m[1]!, path: m[2]!, headers };
}
