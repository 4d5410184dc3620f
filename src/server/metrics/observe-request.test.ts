import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type Logger, createLogger } from '../log';
import { Metrics } from './metrics';
import { observeRequest } from './observe-request';

/** The server's logger at debug level, writing where the test reads. */
function capturedLogger(): { log: Logger; lines: () => Array<Record<string, unknown>> } {
  const out: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      out.push(chunk.toString());
      done();
    },
  });
  return {
    log: createLogger('debug', stream), lines: () => out.join('').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('observeRequest', () => {
  const request = (id?: string) => new Request('http://test/api/v1/health', id === undefined ? {} : { headers: { 'x-request-id': id } });

  it('returns the request id the client sent, and makes one when it sent none or an unsafe one', async () => {
    const { log } = capturedLogger();
    const handler = observeRequest(new Metrics(), log, 'health', async () => new Response('{}'));
    expect((await handler(request('lb-7f3a.1:2'))).headers.get('x-request-id')).toBe('lb-7f3a.1:2');
    for (const sent of [undefined, 'has space', 'x'.repeat(129), 'a/b', '<script>', '']) {
      const id = (await handler(request(sent))).headers.get('x-request-id');
      expect(id, String(sent)).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('puts the request id on every line logged while the request is answered, and one access line', async () => {
    const { log, lines } = capturedLogger();
    const handler = observeRequest(new Metrics(), log, 'health', async () => {
      log.info('inside the handler');
      await new Promise((r) => setTimeout(r, 5));
      log.warn('after an await');
      return new Response('{}', { status: 201 });
    });
    await handler(request('req-1'));
    log.info('outside any request');
    const logged = lines();
    expect(logged.filter((l) => l.reqId === 'req-1').map((l) => l.msg)).toEqual(['inside the handler', 'after an await', 'request']);
    expect(logged.find((l) => l.msg === 'request')).toMatchObject({ method: 'GET', route: 'health', status: 201, level: 20 });
    expect(logged.find((l) => l.msg === 'outside any request')).not.toHaveProperty('reqId');
  });

  it('keeps the id on responses whose headers are immutable', async () => {
    const { log } = capturedLogger();
    const frozen = Response.redirect('http://test/elsewhere', 302);
    const res = await observeRequest(new Metrics(), log, 'x', async () => frozen)(request('r-2'));
    expect(res.status).toBe(302);
    expect(res.headers.get('x-request-id')).toBe('r-2');
  });
});
