import { describe, expect, it } from 'vitest';
import type { LiveEvent } from '@/protocol/events';
import { DEFAULT_IDLE_MS, type LiveState, LiveEvents, nextState, toLiveEvent } from './live-events';
import { FakeTime, settle } from './testing/fake-env';

const ENTITY = '0192b7a0-0000-7000-8000-000000000001';
const RECORD = '0192b7a0-0000-7000-8000-000000000002';
const BACKOFF = { baseMs: 1_000, maxMs: 60_000, factor: 2 };

describe('nextState (what follows a connection)', () => {
  it('reconnects after a network failure or a server error with growing backoff, honouring Retry-After', () => {
    expect(nextState({ kind: 'network' }, 0, 0, BACKOFF)).toMatchObject({ kind: 'waiting', delayMs: 500 });
    expect(nextState({ kind: 'network' }, 3, 0, BACKOFF)).toMatchObject({ kind: 'waiting', delayMs: 4_000 });
    expect(nextState({ kind: 'status', status: 503 }, 1, 0, BACKOFF)).toMatchObject({ kind: 'waiting', delayMs: 1_000 });
    expect(nextState({ kind: 'status', status: 429, retryAfterSeconds: 7 }, 0, 0, BACKOFF)).toMatchObject({ kind: 'waiting', delayMs: 7_000 });
    expect(nextState({ kind: 'ended' }, 0, 0, BACKOFF)).toMatchObject({ kind: 'waiting', attempt: 0, delayMs: 500 });
  });

  it('gives up on a refused token, a server without the endpoint, or another refusal', () => {
    expect(nextState({ kind: 'status', status: 401 }, 0, 0)).toEqual({ kind: 'gone', reason: 'unauthorized' });
    expect(nextState({ kind: 'status', status: 404 }, 0, 0)).toEqual({ kind: 'gone', reason: 'unsupported' });
    expect(nextState({ kind: 'status', status: 405 }, 0, 0)).toEqual({ kind: 'gone', reason: 'unsupported' });
    expect(nextState({ kind: 'status', status: 403 }, 0, 0)).toEqual({ kind: 'gone', reason: 'refused' });
  });
});

describe('toLiveEvent', () => {
  it('reads the three events and ignores unknown or malformed ones', () => {
    expect(toLiveEvent({ event: 'changes', data: JSON.stringify({ entityIds: [ENTITY] }) })).toEqual({ event: 'changes', data: { entityIds: [ENTITY] } });
    expect(toLiveEvent({ event: 'conflicts', data: '{"open":3}' })).toEqual({ event: 'conflicts', data: { open: 3 } });
    expect(toLiveEvent({ event: 'overwritten', data: JSON.stringify({ recordIds: [RECORD] }) })).toEqual({ event: 'overwritten', data: { recordIds: [RECORD] } });
    expect(toLiveEvent({ event: 'future', data: '{}' })).toBeNull();
    expect(toLiveEvent({ data: '{}' })).toBeNull();
    expect(toLiveEvent({ event: 'conflicts', data: '{"open":-1}' })).toBeNull();
    expect(toLiveEvent({ event: 'changes', data: 'not json' })).toBeNull();
  });
});

/** A fake server: each request gets the next queued answer, or an event stream the test writes to. */
function fakeServer() {
  const requests: Array<{ url: string; headers: Record<string, string>; signal: AbortSignal }> = [];
  const answers: Array<() => Response> = [];
  let write: ((text: string) => void) | null = null;
  let end: (() => void) | null = null;
  let fail: (() => void) | null = null;
  const stream = () =>
    new Response(
      new ReadableStream<Uint8Array>({
        start(c) {
          write = (t) => c.enqueue(new TextEncoder().encode(t));
          end = () => c.close();
          fail = () => c.error(new DOMException('aborted', 'AbortError'));
        },
      }),
      { status: 200, headers: { 'content-type': 'text/event-stream' } },
    );
  return {
    requests,
    answers,
    stream,
    write: (t: string) => write!(t),
    end: () => end!(),
    fetch: (url: string, init?: RequestInit) => {
      const signal = init!.signal!;
      requests.push({ url, headers: init!.headers as Record<string, string>, signal });
      if (signal.aborted) return Promise.reject(new DOMException('aborted', 'AbortError'));
      const res = (answers.shift() ?? stream)();
      // As fetch does: an abort errors the body being read.
      signal.addEventListener('abort', () => fail?.());
      return Promise.resolve(res);
    },
  };
}

function client(server: ReturnType<typeof fakeServer>, time = new FakeTime()) {
  const events: LiveEvent[] = [];
  const states: LiveState[] = [];
  let opened = 0;
  let unauthorized = 0;
  const live = new LiveEvents(
    { fetch: server.fetch, timers: time, random: () => 0, baseUrl: 'http://fieldsync.test/', backoff: BACKOFF },
    { event: (e) => events.push(e), opened: () => opened++, unauthorized: () => unauthorized++, state: (s) => states.push(s) },
  );
  return { live, time, events, states, opened: () => opened, unauthorized: () => unauthorized };
}

describe('LiveEvents', () => {
  it('opens one stream with the bearer token and hands over the events it parses, split anywhere', async () => {
    const server = fakeServer();
    const c = client(server);
    c.live.start('tok-1');
    c.live.start('tok-1');
    await settle();
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.url).toBe('http://fieldsync.test/api/v1/sync/events');
    expect(server.requests[0]!.headers.authorization).toBe('Bearer tok-1');
    expect(c.live.state).toEqual({ kind: 'open' });
    expect(c.opened()).toBe(1);
    server.write(': fieldsync live updates\n\nevent: chan');
    server.write(`ges\ndata: {"entityIds":["${ENTITY}"]}\n\nevent: conflicts\ndata: {"open":2}\n\n`);
    await settle();
    expect(c.events).toEqual([
      { event: 'changes', data: { entityIds: [ENTITY] } },
      { event: 'conflicts', data: { open: 2 } },
    ]);
    c.live.stop();
  });

  it('reconnects with backoff after failures, and from the first step again once a stream opened', async () => {
    const server = fakeServer();
    server.answers.push(
      () => new Response('{}', { status: 503 }),
      () => new Response('{}', { status: 502 }),
    );
    const c = client(server);
    c.live.start('tok');
    await settle();
    expect(c.live.state).toMatchObject({ kind: 'waiting', delayMs: 500 });
    c.time.advance(500);
    await settle();
    expect(c.live.state).toMatchObject({ kind: 'waiting', delayMs: 1_000 });
    c.time.advance(1_000);
    await settle();
    expect(c.live.state).toEqual({ kind: 'open' });
    expect(server.requests).toHaveLength(3);
    // The server ends the stream (a drain, an expired token): back soon, from attempt 0.
    server.end();
    await settle();
    expect(c.live.state).toMatchObject({ kind: 'waiting', attempt: 0, delayMs: 500 });
    c.time.advance(500);
    await settle();
    expect(c.live.state).toEqual({ kind: 'open' });
    expect(c.opened()).toBe(2);
    c.live.stop();
  });

  it('takes a silent connection for dead and reconnects', async () => {
    const server = fakeServer();
    const c = client(server);
    c.live.start('tok');
    await settle();
    c.time.advance(DEFAULT_IDLE_MS - 1);
    server.write(': keep-alive\n\n');
    await settle();
    c.time.advance(DEFAULT_IDLE_MS - 1);
    expect(server.requests[0]!.signal.aborted).toBe(false);
    c.time.advance(1);
    await settle();
    expect(server.requests[0]!.signal.aborted).toBe(true);
    expect(c.live.state).toMatchObject({ kind: 'waiting' });
    c.live.stop();
  });

  it('stops on 401 and says so; stop() aborts the stream and cancels a pending reconnect', async () => {
    const server = fakeServer();
    server.answers.push(() => new Response('{}', { status: 401 }));
    const c = client(server);
    c.live.start('old');
    await settle();
    expect(c.live.state).toEqual({ kind: 'gone', reason: 'unauthorized' });
    expect(c.unauthorized()).toBe(1);
    c.live.start('new');
    await settle();
    expect(c.live.state).toEqual({ kind: 'open' });
    c.live.stop();
    await settle();
    expect(server.requests[1]!.signal.aborted).toBe(true);
    expect(c.live.state).toEqual({ kind: 'stopped' });

    server.answers.push(() => new Response('{}', { status: 503 }));
    c.live.start('new');
    await settle();
    expect(c.live.state.kind).toBe('waiting');
    c.live.stop();
    c.time.advance(120_000);
    await settle();
    expect(server.requests).toHaveLength(3);
    expect(c.live.state).toEqual({ kind: 'stopped' });
  });
});
