// A network the test controls, in front of real request handlers (Request → Response):
// it routes URLs to handlers in-process and can go down, drop a request before the server
// sees it, drop the response AFTER the server committed, delay, or answer 503/429 itself.
import type { FetchLike } from '../env';

export type Handler = (request: Request) => Promise<Response>;

export type NetFault =
  | { readonly kind: 'drop-request' }
  | { readonly kind: 'drop-response' }
  | { readonly kind: 'delay'; readonly ms: number }
  | { readonly kind: 'status'; readonly status: 429 | 503; readonly retryAfter?: number };

export interface NetEvent {
  readonly method: string;
  readonly path: string;
  readonly outcome: 'ok' | 'down' | NetFault['kind'];
  readonly status?: number;
}

export class ControlledNetwork {
  /** Everything fails as if there were no network. */
  down = false;
  /** Faults for the next sync requests (push and pull), in order. */
  readonly faults: NetFault[] = [];
  /** Decides a fault for each sync request when the queue is empty (model-based tests). */
  policy: ((path: string) => NetFault | undefined) | null = null;
  readonly log: NetEvent[] = [];

  constructor(private readonly routes: Readonly<Record<string, Handler>>) {}

  fetch: FetchLike = async (input, init) => {
    const request = new Request(new URL(input, 'http://fieldsync.test'), init);
    const url = new URL(request.url);
    const key = `${request.method} ${url.pathname}`;
    const handler = this.routes[key];
    const note = (outcome: NetEvent['outcome'], status?: number) =>
      this.log.push({ method: request.method, path: url.pathname, outcome, ...(status !== undefined ? { status } : {}) });
    if (this.down) {
      note('down');
      throw new TypeError('fetch failed: network is down');
    }
    const fault = url.pathname.startsWith('/api/v1/sync/') ? (this.faults.shift() ?? this.policy?.(url.pathname)) : undefined;
    if (fault?.kind === 'drop-request') {
      note('drop-request');
      throw new TypeError('fetch failed: request lost');
    }
    if (fault?.kind === 'status') {
      note('status', fault.status);
      const code = fault.status === 429 ? 'RATE_LIMITED' : 'UNAVAILABLE';
      return new Response(JSON.stringify({ error: { code, message: 'injected by the test network' } }), {
        status: fault.status,
        headers: { 'content-type': 'application/json', ...(fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {}) },
      });
    }
    if (fault?.kind === 'delay') await new Promise((r) => setTimeout(r, fault.ms));
    if (!handler) {
      note('ok', 404);
      return new Response(JSON.stringify({ error: { code: 'NOT_FOUND', message: key } }), { status: 404 });
    }
    const response = await handler(request);
    const body = await response.text(); // the server has committed by now
    if (fault?.kind === 'drop-response') {
      note('drop-response', response.status);
      throw new TypeError('fetch failed: response lost');
    }
    note(fault?.kind ?? 'ok', response.status);
    return new Response(body, { status: response.status, headers: response.headers });
  };

  count(path: string, outcome?: NetEvent['outcome']): number {
    return this.log.filter((e) => e.path === path && (outcome === undefined || e.outcome === outcome)).length;
  }
}
