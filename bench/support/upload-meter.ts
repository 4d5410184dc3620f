// What a file upload cost on the shared link, read from the bytes that reached the server: the
// body bytes of the requests that carry file content (so a byte sent twice counts twice), the
// body of each such request that arrived whole, and a connection dropped once, when a file's
// upload reaches a given position (its midpoint), to see what each way of sending makes the
// device send again.
import { type RequestHead, RequestStreamMeter } from './http-meter';
import type { LinkConnection } from './shared-link';

export interface UploadMeterOptions {
  /** Requests whose body is file content (tus PATCHes, multipart POSTs). */
  isUpload(head: RequestHead): boolean;
  /** Where in its file a request's first body byte falls (tus: its Upload-Offset; a plain POST: 0). */
  startOf(head: RequestHead): number;
  /** The position in a file at which to drop the connection carrying it, once; null: never. */
  readonly dropAt: number | null;
}

export interface DropRecord {
  /** The request target of the upload cut. */
  readonly path: string;
  /** Its file's content that had reached the server. */
  readonly position: number;
}

export class UploadMeter {
  /** Body bytes of upload requests that reached the server. */
  contentBytes = 0;
  /** Upload requests whose head reached the server. */
  requests = 0;
  dropped: DropRecord | null = null;
  /** Body size of the last upload request to each target that arrived whole. */
  readonly completed = new Map<string, number>();
  private readonly connections = new Map<number, { meter: RequestStreamMeter; body: number }>();

  constructor(private readonly o: UploadMeterOptions) {}

  /** The link's `onUp` hook. */
  readonly onUp = (chunk: Buffer, connection: LinkConnection): void => {
    let c = this.connections.get(connection.id);
    if (!c) {
      c = { meter: new RequestStreamMeter(), body: 0 };
      this.connections.set(connection.id, c);
    }
    for (const e of c.meter.feed(chunk)) {
      if (e.kind === 'head') {
        c.body = 0;
        if (this.o.isUpload(e.head)) this.requests++;
      } else if (e.kind === 'body' && this.o.isUpload(e.head)) {
        c.body += e.bytes;
        this.contentBytes += e.bytes;
        const position = this.o.startOf(e.head) + c.body;
        if (this.o.dropAt !== null && !this.dropped && position >= this.o.dropAt) {
          this.dropped = { path: e.head.path, position };
          this.connections.delete(connection.id);
          connection.drop();
          return;
        }
      } else if (e.kind === 'end' && this.o.isUpload(e.head)) {
        this.completed.set(e.head.path, c.body);
      }
    }
  };

  /** Sum of the whole bodies, one per target: what the files needed to send once. */
  completedBytes(): number {
    let n = 0;
    for (const v of this.completed.values()) n += v;
    return n;
  }
}
