// For the live-update tests: reads a Server-Sent Events response (eventsource-parser) and hands
// out its events one at a time, waiting for them up to a bound.
import { createParser } from 'eventsource-parser';

export interface ReceivedEvent {
  readonly event: string;
  readonly data: unknown;
  /** performance.now() when it was parsed. */
  readonly at: number;
}

export interface EventReader {
  /** The next event (of that name, skipping others), or an error after `timeoutMs`. */
  next(name?: string, timeoutMs?: number): Promise<ReceivedEvent>;
  /** Comments seen so far. */
  readonly comments: string[];
  /** Resolves when the server ends the stream. */
  readonly ended: Promise<void>;
  cancel(): Promise<void>;
}

export function readEvents(response: Response): EventReader {
  const queue: ReceivedEvent[] = [];
  const comments: string[] = [];
  const waiting: { wake: (() => void) | null } = { wake: null };
  const parser = createParser({
    onEvent: (e) => {
      queue.push({ event: e.event ?? 'message', data: JSON.parse(e.data), at: performance.now() });
      waiting.wake?.();
    },
    onComment: (c) => {
      comments.push(c.trim());
      waiting.wake?.();
    },
  });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const ended = (async () => {
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
    }
    waiting.wake?.();
  })();
  let isEnded = false;
  void ended.then(() => (isEnded = true));

  return {
    comments,
    ended,
    async next(name, timeoutMs = 5_000) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const i = queue.findIndex((e) => name === undefined || e.event === name);
        if (i >= 0) return queue.splice(i, 1)[0]!;
        const left = deadline - performance.now();
        if (left <= 0 || isEnded) throw new Error(`no ${name ?? ''} event within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, left);
          waiting.wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
      }
    },
    cancel: () => reader.cancel().catch(() => {}),
  };
}
