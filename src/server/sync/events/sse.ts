// The Server-Sent Events wire format (HTML Living Standard, "Server-sent events"): an event is
// `event:` and `data:` lines ended by a blank line; a line starting with `:` is a comment that
// only keeps the connection alive.
import type { LiveEvent } from '@/protocol/events';

const encoder = new TextEncoder();

export function sseEvent({ event, data }: LiveEvent): Uint8Array {
  // JSON.stringify never writes a raw line break, so the data is one `data:` line.
  return encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

export function sseComment(text: string): Uint8Array {
  return encoder.encode(`: ${text.replace(/[\r\n]+/g, ' ')}\n\n`);
}

export const SSE_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  // no-transform: proxies and the Node response writer must neither buffer nor compress it.
  'Cache-Control': 'no-store, no-transform',
  // nginx buffers proxied responses unless told not to.
  'X-Accel-Buffering': 'no',
} as const;
