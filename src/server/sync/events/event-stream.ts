// One open live-update stream: the bytes of its Server-Sent Events as a Web ReadableStream, the
// caller it serves (re-read when their access changes) and the open-conflict count it last sent.
// A client that stops reading is cut off once its backlog passes MAX_BACKLOG_BYTES, so a stalled
// stream cannot hold memory; it reconnects and pulls, and loses nothing.
import type { Caller } from '../../auth/authenticate';

export const MAX_BACKLOG_BYTES = 256 * 1024;

export class EventStream {
  readonly body: ReadableStream<Uint8Array>;
  /** The open-conflict count last sent, or null before the first. */
  openConflicts: number | null = null;
  private controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  private ended = false;

  constructor(
    public caller: Caller,
    private readonly onEnd: (stream: EventStream) => void,
  ) {
    this.body = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.controller = controller;
        },
        cancel: () => this.finish(false),
      },
      new ByteLengthQueuingStrategy({ highWaterMark: 16 * 1024 }),
    );
  }

  get isOpen(): boolean {
    return !this.ended;
  }

  send(chunk: Uint8Array): void {
    const controller = this.controller;
    if (this.ended || controller === null) return;
    if ((controller.desiredSize ?? 0) < -MAX_BACKLOG_BYTES) return this.end();
    controller.enqueue(chunk);
  }

  /** Ends the stream after what it has queued. */
  end(): void {
    this.finish(true);
  }

  private finish(close: boolean): void {
    if (this.ended) return;
    this.ended = true;
    if (close) {
      try {
        this.controller?.close();
      } catch {
        // already closed or errored by the reader
      }
    }
    this.onEnd(this);
  }
}
