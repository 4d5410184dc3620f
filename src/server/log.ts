// Structured logs (pino). Tests get a silent logger unless FIELDSYNC_LOG_LEVEL says otherwise.
// Every line logged while a request is being answered carries its request id (`reqId`): the
// API wraps each request in `withRequestLog` (observe-request.ts), and the logger's mixin reads
// the id from there, so handlers log through ctx.log as they are and no logger is passed down.
import { AsyncLocalStorage } from 'node:async_hooks';
import pino from 'pino';

export type Logger = pino.Logger;

const requestLog = new AsyncLocalStorage<{ readonly reqId: string }>();

/** Runs `fn` with `reqId` on every log line it (and what it awaits) writes. */
export function withRequestLog<T>(reqId: string, fn: () => T): T {
  return requestLog.run({ reqId }, fn);
}

/** `destination`: where lines go (stdout unless a test reads them). */
export function createLogger(
  level = process.env.FIELDSYNC_LOG_LEVEL ?? (process.env.VITEST ? 'silent' : 'info'),
  destination?: pino.DestinationStream,
): Logger {
  return pino({ level, base: { app: 'fieldsync' }, mixin: () => requestLog.getStore() ?? {} }, destination);
}
