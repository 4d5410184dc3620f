// The photo scenario's baseline server: files sent the way most apps send them, one
// multipart/form-data POST each, received whole (as multer's memory storage does) and written to
// a temp folder. A request cut short stores nothing; the next one starts from zero. Plain
// node:http in the bench process, on 127.0.0.1.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** The largest body taken, as the Fieldsync server's default upload limit. */
const MAX_BODY = 25 * 1024 * 1024;

export interface StoredFile {
  readonly size: number;
  readonly sha256: string;
}

export interface MultipartServer {
  readonly url: string;
  readonly port: number;
  /** Files stored, by the id in their URL (`POST /upload/<id>`). */
  readonly stored: ReadonlyMap<string, StoredFile>;
  close(): Promise<void>;
}

export async function startMultipartServer(): Promise<MultipartServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fieldsync-bench-multipart-'));
  const stored = new Map<string, StoredFile>();
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const fail = (status: number, code: string, message: string) => answer(status, { error: { code, message } });
    const id = /^\/upload\/([A-Za-z0-9_-]{1,64})$/.exec(req.url ?? '')?.[1];
    if (req.method !== 'POST' || !id) return fail(404, 'NOT_FOUND', 'POST /upload/<id> only');
    const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(req.headers['content-type'] ?? '');
    const b = boundary?.[1] ?? boundary?.[2];
    if (!b) return fail(400, 'BAD_REQUEST', 'multipart/form-data with a boundary expected');
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.byteLength;
      if (size > MAX_BODY) {
        fail(413, 'PAYLOAD_TOO_LARGE', `body over ${MAX_BODY} bytes`);
        req.destroy();
      } else {
        parts.push(c);
      }
    });
    req.on('end', () => {
      if (res.headersSent) return;
      const file = filePart(Buffer.concat(parts), b);
      if (!file) return fail(400, 'BAD_REQUEST', 'no file part in the body');
      writeFileSync(path.join(dir, id), file);
      const entry = { size: file.byteLength, sha256: createHash('sha256').update(file).digest('hex') };
      stored.set(id, entry);
      answer(201, { id, ...entry });
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stored,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}

/** The content of the first part of a multipart body that carries a filename. */
export function filePart(body: Buffer, boundary: string): Buffer | null {
  const delimiter = Buffer.from(`--${boundary}`);
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const headStart = at + delimiter.length + 2;
    const headEnd = body.indexOf('\r\n\r\n', headStart);
    if (headEnd < 0) return null;
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), headEnd + 4);
    if (next < 0) return null;
    if (/filename=/i.test(body.subarray(headStart, headEnd).toString('latin1'))) return body.subarray(headEnd + 4, next);
    at = next + 2;
  }
  return null;
}
