// A Node request as the Web `Request` the API handlers take.
// - URL: absolute, on the Host header when it is a plain `host[:port]`, else on 127.0.0.1, so
//   that a Host header cannot change the path or query a handler reads.
// - Headers: all of them, repeated ones too, and the socket's address appended to
//   `x-forwarded-for` as its last hop, whatever the client sent (auth/client-address.ts).
// - Body: when the request has one (not GET or HEAD, and a content-length or transfer-encoding
//   header): lazy. Nothing is read from the socket until the handler reads the body, so a
//   handler that refuses first (401 before the body, 413 on the declared length) never holds
//   a byte of it, however many clients stall mid-body. Once read, a body that declares at most
//   512 KiB comes whole in one chunk (cheaper than a stream fed piece by piece); others stream
//   with back-pressure. What a handler leaves unread is discarded once the response is done, so
//   the answer goes out and the kept-alive connection serves the next request.
// - Signal: aborts when the client goes away before its response is finished.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestAbortedError } from '../http/request-aborted';

const PLAIN_HOST = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.?|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$/;
// Bodies up to this size (a typical push of 100 changes is ~70 KB) are handed over whole: one
// buffer is cheaper to read than a Web stream fed chunk by chunk.
const WHOLE_BODY_LIMIT = 512 * 1024;

export function toWebRequest(req: IncomingMessage, res: ServerResponse): Request {
  const method = req.method ?? 'GET';
  const headers: Array<[string, string]> = [];
  let host: string | undefined;
  let declaresBody = false;
  let length = Number.NaN;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    headers.push([name, value]);
    // By length first: lower-casing every name would cost more than the comparisons.
    const n = name.length;
    if (n === 4 && name.toLowerCase() === 'host') host ??= value;
    else if (n === 14 && name.toLowerCase() === 'content-length') {
      declaresBody = true;
      length = Number(value);
    } else if (n === 17 && name.toLowerCase() === 'transfer-encoding') declaresBody = true;
  }
  const address = req.socket.remoteAddress;
  if (address) headers.push(['x-forwarded-for', address]);

  const controller = new AbortController();
  const init: RequestInit & { duplex?: 'half' } = { method, headers, signal: controller.signal };
  let body: BodyStream | undefined;
  if (declaresBody && method !== 'GET' && method !== 'HEAD') {
    body = lazyBody(req, length <= WHOLE_BODY_LIMIT);
    init.body = body.stream;
    init.duplex = 'half';
  }
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
    body?.release();
  });
  return new Request(requestUrl(host, req.url), init);
}

function requestUrl(host: string | undefined, target = '/'): string {
  const plain = host === undefined ? null : PLAIN_HOST.exec(host);
  const origin = plain && (plain[1] === undefined || Number(plain[1]) <= 65_535) ? `http://${host}` : 'http://127.0.0.1';
  // Only origin-form targets (`/path?query`) reach the API; anything else is the root.
  return target.startsWith('/') ? origin + target : `${origin}/`;
}

interface BodyStream {
  readonly stream: ReadableStream<Uint8Array>;
  /** Stops feeding the stream and lets Node discard what is left of the body. */
  release(): void;
}

/**
 * The request body as a stream that starts reading the socket at its first read (a stream
 * with a high-water mark of 0 pulls only when read). `whole`: gathered, then one chunk.
 */
function lazyBody(req: IncomingMessage, whole: boolean): BodyStream {
  let open = true;
  let onData: ((chunk: Buffer) => void) | undefined;
  let ctrl: ReadableStreamDefaultController<Uint8Array> | undefined;
  const release = () => {
    // A handler still reading (the client went away mid-body) gets an error, not a wait.
    if (open) ctrl?.error(new RequestAbortedError());
    open = false;
    if (onData) req.off('data', onData);
    req.resume();
  };
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        ctrl = controller;
      },
      pull(controller) {
        if (onData) {
          req.resume();
          return;
        }
        const parts: Buffer[] = [];
        onData = whole
          ? (chunk) => {
              if (open) parts.push(chunk);
            }
          : (chunk) => {
              if (!open) return;
              controller.enqueue(chunk);
              if ((controller.desiredSize ?? 1) <= 0) req.pause();
            };
        req.on('data', onData);
        req.once('end', () => {
          if (!open) return;
          open = false;
          if (whole && parts.length > 0) controller.enqueue(asBytes(parts.length === 1 ? parts[0]! : Buffer.concat(parts)));
          controller.close();
        });
        // Also how a client gone before the end of its body shows ('aborted'): no 'end' will come.
        req.once('error', (e) => {
          if (open) controller.error(e);
          open = false;
        });
        req.resume();
      },
      cancel() {
        open = false;
        release();
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, release };
}

function asBytes(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer as ArrayBuffer, b.byteOffset, b.byteLength);
}
