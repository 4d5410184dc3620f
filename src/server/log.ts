// Structured logs (pino). Tests get a silent logger unless FIELDSYNC_LOG_LEVEL says otherwise.
import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(level = process.env.FIELDSYNC_LOG_LEVEL ?? (process.env.VITEST ? 'silent' : 'info')): Logger {
  return pino({ level, base: { app: 'fieldsync' } });
}
