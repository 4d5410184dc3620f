// The running app's single server instance: configuration from the environment, the database
// opened and migrated, demo data on a new embedded database, then the API. Started on the
// first request and kept on globalThis, so every route bundle of Next.js shares one instance.
// If start-up fails (database unreachable) requests get 503 and the next request tries again.
// On SIGTERM the process drains (node/graceful-shutdown.ts) through `drain` and `shutdown`.
import { mkdirSync } from 'node:fs';
import { type Api, type ApiName, createApi } from './api';
import { configFromEnv } from './config';
import { type ServerContext, createContext } from './context';
import { openDatabase } from './db/database';
import { Drain } from './health/drain';
import { toErrorResponse } from './http/handler';
import { createLogger } from './log';
import { isEmpty, seedDemo } from './seed/demo';

const KEY = Symbol.for('fieldsync.server');
type Holder = { ready?: Promise<{ api: Api; ctx: ServerContext }> | undefined; drain?: Drain };
const holder = ((globalThis as Record<symbol, Holder>)[KEY] ??= {});
const log = createLogger();

/** The process's drain: health answers 503 once it begins; streams register to end there. */
export const drain = (holder.drain ??= new Drain());

export async function boot(): Promise<{ api: Api; ctx: ServerContext }> {
  const config = configFromEnv();
  if (!config.databaseUrl) mkdirSync(config.dataDir, { recursive: true });
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, preparedStatements: config.preparedStatements });
  try {
    await database.migrate();
    if (database.kind === 'pglite' && (await isEmpty(database.db))) {
      await seedDemo(database.db);
      log.info('embedded database created with demo users');
    }
    const ctx = await createContext({ database, config, log, drain });
    log.info({ database: database.kind }, 'fieldsync server ready');
    return { api: createApi(ctx), ctx };
  } catch (e) {
    await database.close().catch(() => {});
    throw e;
  }
}

export async function getApi(): Promise<Api> {
  holder.ready ??= boot().catch((e: unknown) => {
    holder.ready = undefined;
    throw e;
  });
  return (await holder.ready).api;
}

/** Closes what the server holds open: the rate-limit store, then the database pool. */
export async function shutdown(): Promise<void> {
  const booted = await holder.ready?.catch(() => undefined);
  if (!booted) return;
  await booted.ctx.limits.close().catch((err: unknown) => log.warn({ err }, 'closing the rate-limit store failed'));
  await booted.ctx.database.close();
  log.info({ database: booted.ctx.database.kind }, 'database closed');
}

/** A route handler that calls the named API handler. */
export function route(name: ApiName): (request: Request) => Promise<Response> {
  return async (request) => {
    let api: Api;
    try {
      api = await getApi();
    } catch (e) {
      return toErrorResponse(log, request, e);
    }
    return api[name](request);
  };
}
