import { describe, expect, it } from 'vitest';
import { ErrorBodySchema } from '@/protocol/errors';
import { createLogger } from '../log';
import { conflict, rateLimited } from './api-error';
import { handle } from './handler';
import { readJson } from './read-json';
import { RequestAbortedError } from './request-aborted';
import { methodNotAllowed, unknownEndpoint } from './fallback';

const log = createLogger('silent');
const req = (method = 'GET') => new Request('http://test/api/v1/x', { method });

async function bodyOf(res: Response) {
  return ErrorBodySchema.strict().parse(await res.json());
}

describe('handle()', () => {
  it('turns an ApiError into its status, code, details and headers', async () => {
    const res = await handle(log, async () => {
      throw rateLimited(7);
    })(req());
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await bodyOf(res)).toEqual({ error: { code: 'RATE_LIMITED', message: 'too many requests', details: { retryAfter: 7 } } });
    const c = await handle(log, async () => {
      throw conflict('taken');
    })(req());
    expect(await bodyOf(c)).toEqual({ error: { code: 'CONFLICT', message: 'taken' } });
  });

  it('answers a body the client stopped sending with 400, logged as the client\'s doing, not as an error', async () => {
    const lines: Array<{ level: number; msg: string }> = [];
    const captured = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) });
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"deviceId":'));
        controller.error(new RequestAbortedError());
      },
    });
    const request = new Request('http://test/api/v1/sync/batch', { method: 'POST', body, headers: { 'content-type': 'application/json' }, duplex: 'half' } as RequestInit);
    const res = await handle(captured, async (r) => Response.json(await readJson(r, 1024)))(request);
    expect(res.status).toBe(400);
    expect((await bodyOf(res)).error.code).toBe('BAD_REQUEST');
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
    expect(lines.map((l) => l.msg)).toContain('client went away before its body was read');
  });

  it('turns an unreachable database into 503 UNAVAILABLE with Retry-After', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const res = await handle(log, async () => {
      throw new Error('Failed query: select 1', { cause: refused });
    })(req());
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect((await bodyOf(res)).error.code).toBe('UNAVAILABLE');
  });

  it('turns anything else into 500 INTERNAL with no stack and no message from inside', async () => {
    const res = await handle(log, async () => {
      throw new TypeError('secret internals at /work/main/src/server/x.ts:12');
    })(req());
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: { code: 'INTERNAL', message: 'internal error' } });
    expect(text).not.toMatch(/secret|\.ts|TypeError/);
  });
});

describe('fallback answers', () => {
  it('an unknown endpoint is 404 NOT_FOUND in the JSON error body, for any method', async () => {
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
      const res = await handle(log, unknownEndpoint)(req(method));
      expect(res.status).toBe(404);
      expect((await bodyOf(res)).error.code).toBe('NOT_FOUND');
    }
  });

  it('a method the endpoint does not have is 405 METHOD_NOT_ALLOWED', async () => {
    const res = await handle(log, methodNotAllowed)(req('DELETE'));
    expect(res.status).toBe(405);
    expect(await bodyOf(res)).toEqual({ error: { code: 'METHOD_NOT_ALLOWED', message: 'this endpoint does not accept DELETE' } });
  });
});
