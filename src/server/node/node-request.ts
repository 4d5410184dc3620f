// A Node request as the Web `Request` the API handlers take.
// - URL: absolute, on the Host header when it is a plain `host[:port]`, else on 127.0.0.1, so
//   that a Host header cannot change the path or query a handler reads.
// - Headers: all of them, repeated ones too. `x-forwarded-for` gets the socket's address when
//   the client sent none, as `next start` did (auth/client-address.ts relies on it).
// - Body: when the request has one (not GET or HEAD, and a content-length or transfer-encoding
//   header): read whole first when it declares at most 512 KiB, else streamed from the socket
//   with back-pressure. What a handler leaves unread (a 413, a 401 before the body) is discarded
//   once the response is done, so the answer goes out and the kept-alive connection serves the
//   next request.
// - Signal: aborts when the client goes away before its response is finished.
import type { IncomingMessage, ServerResponse } from 'node:http';

const PLAIN_HOST = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.?|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$/;
const BODY_HIGH_WATER_MARK = 64 * 1024;
// Bodies up to this size (a typical push of 100 changes is ~70 KB) are read whole before the
// handler runs: one buffer is cheaper to read than a Web stream fed chunk by chunk. Larger or
// undeclared ones are streamed, so a 413 can still refuse them before they are read.
const PREBUFFER_LIMIT = 512 * 1024;

/** The whole body, for a request that declared a small content-length. */
function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    // Also how a client gone before the end of its body shows ('aborted'): no 'end' will come.
    req.once('error', reject);
  });
}

export async function toWebRequest(req: IncomingMessage, res: ServerResponse): Promise<Request> {
  const method = req.method ?? 'GET';
  const headers: Array<[string, string]> = [];
  let host: string | undefined;
  let forwardedFor = false;
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
    else if (n === 15 && name.toLowerCase() === 'x-forwarded-for') forwardedFor = true;
    else if (n === 14 && name.toLowerCase() === 'content-length') {
      declaresBody = true;
      length = Number(value);
    } else if (n === 17 && name.toLowerCase() === 'transfer-encoding') declaresBody = true;
  }
  const address = req.socket.remoteAddress;
  if (!forwardedFor && address) headers.push(['x-forwarded-for', address]);

  const controller = new AbortController();
  const init: RequestInit & { duplex?: 'half' } = { method, headers, signal: controller.signal };
  let body: BodyStream | undefined;
  if (declaresBody && method !== 'GET' && method !== 'HEAD' && length <= PREBUFFER_LIMIT) {
    const whole = await readAll(req);
    init.body = new Uint8Array(whole.buffer as ArrayBuffer, whole.byteOffset, whole.byteLength);
  } else if (declaresBody && method !== 'GET' && method !== 'HEAD') {
    body = bodyStream(req);
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

function bodyStream(req: IncomingMessage): BodyStream {
  let open = true;
  let onData: ((chunk: Buffer) => void) | undefined;
  const release = () => {
    open = false;
    if (onData) req.off('data', onData);
    req.resume();
  };
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        onData = (chunk) => {
          if (!open) return;
          controller.enqueue(chunk);
          if ((controller.desiredSize ?? 1) <= 0) req.pause();
        };
        req.on('data', onData);
        req.once('end', () => {
          if (open) controller.close();
          open = false;
        });
        req.once('error', (e) => {
          if (open) controller.error(e);
          open = false;
        });
      },
      pull() {
        req.resume();
      },
      cancel: release,
    },
    { highWaterMark: BODY_HIGH_WATER_MARK, size: (chunk) => chunk.byteLength },
  );
  return { stream, release };
}
