import { describe, expect, it } from 'vitest';
import type { Caller } from '../../auth/authenticate';
import { EventStream, MAX_BACKLOG_BYTES } from './event-stream';
import { parseNotice, named } from './notice';
import { sseComment } from './sse';

const caller: Caller = { id: 'u', email: 'u@x', name: 'U', role: 'field_worker', entityIds: [] };

describe('EventStream', () => {
  it('cuts off a reader that stops reading once its backlog passes the bound', () => {
    let ended = 0;
    const stream = new EventStream(caller, () => ended++);
    const chunk = new Uint8Array(16 * 1024);
    for (let i = 0; i < (MAX_BACKLOG_BYTES / chunk.byteLength) + 1; i++) stream.send(chunk);
    expect(stream.isOpen).toBe(true);
    stream.send(chunk);
    stream.send(chunk);
    expect(stream.isOpen).toBe(false);
    expect(ended).toBe(1);
  });

  it('ends once, whether the server ends it or the reader cancels', async () => {
    let ended = 0;
    const stream = new EventStream(caller, () => ended++);
    stream.send(sseComment('hello'));
    const reader = stream.body.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe(': hello\n\n');
    await reader.cancel();
    stream.end();
    expect(ended).toBe(1);
  });
});

describe('notices', () => {
  it('reads what the triggers send and refuses anything else', () => {
    expect(parseNotice('{"k" : "records", "e" : ["a","b"]}')).toEqual({ k: 'records', e: ['a', 'b'] });
    expect(parseNotice('{"k":"records","e":"*"}')).toEqual({ k: 'records', e: '*' });
    expect(parseNotice('{"k":"conflicts","e":["a"],"o":[{"u":"x","r":"y"}]}')).toMatchObject({ o: [{ u: 'x', r: 'y' }] });
    expect(parseNotice('{"k":"users","u":["x"]}')).toEqual({ k: 'users', u: ['x'] });
    expect(parseNotice('{"k":"other"}')).toBeNull();
    expect(parseNotice('not json')).toBeNull();
  });

  it('names the ids of mine that a notice announced, all of them for "*"', () => {
    expect(named(['a', 'c'], ['a', 'b'])).toEqual(['a']);
    expect(named('*', ['a', 'b'])).toEqual(['a', 'b']);
    expect(named([], ['a'])).toEqual([]);
  });
});
