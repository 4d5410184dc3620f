// Writes a Web `Response` (what the API handlers return) to Node's ServerResponse: the status,
// every header (each Set-Cookie on its own, from `getSetCookie()`), and the body compressed
// when the client accepts it (content-encoding.ts). A body that arrives in one chunk (every
// JSON answer) is sent as one buffer with its Content-Length; a longer stream is piped with
// back-pressure. HEAD, 204 and 304 get the headers only. An event stream (text/event-stream,
// live updates) is never compressed nor held back: its headers and each event go out at once.
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { type Coding, MIN_COMPRESSED_BYTES, compress, compressor, isCompressible, negotiateCoding } from './content-encoding';

const VARY_ACCEPT_ENCODING = /(?:^|,)\s*accept-encoding\s*(?:,|$)/i;
const EVENT_STREAM = /^\s*text\/event-stream\s*(?:;|$)/i;

export interface WriteOptions {
  /** The request was HEAD: no body. */
  readonly head: boolean;
  /** The request's Accept-Encoding header. */
  readonly acceptEncoding: string | undefined;
}

export async function writeWebResponse(res: ServerResponse, response: Response, opts: WriteOptions): Promise<void> {
  const headers = nodeHeaders(response.headers);
  let coding: Coding | null = null;
  const eventStream = EVENT_STREAM.test(response.headers.get('content-type') ?? '');
  if (!eventStream && isCompressible(response.headers)) {
    headers.vary = withVary(response.headers.get('vary'));
    coding = opts.head ? null : negotiateCoding(opts.acceptEncoding);
  }
  const body = response.body;
  if (body === null || opts.head || response.status === 204 || response.status === 304) {
    if (body) void body.cancel().catch(() => {});
    res.writeHead(response.status, headers);
    res.end();
    return;
  }

  if (eventStream) {
    res.writeHead(response.status, headers);
    res.flushHeaders();
    // A client that goes away ends its stream; that is no failure of the server's.
    await pipeline(Readable.fromWeb(body as NodeReadableStream<Uint8Array>), res).catch(() => res.destroy());
    return;
  }

  const reader = body.getReader();
  const first = await reader.read();
  const second = first.done ? first : await reader.read();
  if (second.done) {
    let bytes: Uint8Array = first.done ? new Uint8Array(0) : first.value;
    if (coding && bytes.byteLength >= MIN_COMPRESSED_BYTES) {
      bytes = await compress(coding, bytes);
      headers['content-encoding'] = coding;
    }
    headers['content-length'] = bytes.byteLength;
    res.writeHead(response.status, headers);
    res.end(bytes);
    return;
  }

  // More than one chunk: stream what comes, compressed on the fly when negotiated.
  if (coding) {
    headers['content-encoding'] = coding;
    delete headers['content-length'];
  }
  res.writeHead(response.status, headers);
  async function* chunks(): AsyncGenerator<Uint8Array> {
    if (!first.done) yield first.value;
    if (!second.done) yield second.value;
    for (;;) {
      const next = await reader.read();
      if (next.done) return;
      yield next.value;
    }
  }
  try {
    if (coding) await pipeline(Readable.from(chunks()), compressor(coding), res);
    else await pipeline(Readable.from(chunks()), res);
  } finally {
    await reader.cancel().catch(() => {});
  }
}

function nodeHeaders(from: Headers): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of from) if (name !== 'set-cookie') out[name] = value;
  const cookies = from.getSetCookie();
  if (cookies.length > 0) out['set-cookie'] = cookies;
  return out;
}

function withVary(vary: string | null): string {
  if (vary === null || vary.trim() === '') return 'Accept-Encoding';
  if (vary.trim() === '*' || VARY_ACCEPT_ENCODING.test(vary)) return vary;
  return `${vary}, Accept-Encoding`;
}
