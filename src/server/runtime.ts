// The running app's single server instance: configuration from the environment, the database
// opened and migrated, demo data on a new embedded database, then the API. Started on the
// first request and kept on globalThis, so every route bundle of Next.js shares one instance.
// If start-up fails (database unreachable) requests get 503 and the next request tries again.
import { mkdirSync } from 'node:fs';
import { type Api, type ApiName, createApi } from './api';
import { configFromEnv } from './config';
import { createContext } from './context';
import { openDatabase } from './db/database';
import { toErrorResponse } from './http/handler';
import { createLogger } from './log';
import { isEmpty, seedDemo } from './seed/demo';

const KEY = Symbol.for('fieldsync.server');
type Holder = { ready?: Promise<Api> | undefined };
const holder = ((globalThis as Record<symbol, Holder>)[KEY] ??= {});
const log = createLogger();

export async function boot(): Promise<Api> {
  const config = configFromEnv();
  if (!config.databaseUrl) mkdirSync(config.dataDir, { recursive: true });
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  try {
    await database.migrate();
    if (database.kind === 'pglite' && (await isEmpty(database.db))) {
      await seedDemo(database.db);
      log.info('embedded database created with demo users');
    }
    const ctx = await createContext({ database, config, log });
    log.info({ database: database.kind }, 'fieldsync server ready');
    return createApi(ctx);
  } catch (e) {
    await database.close().catch(() => {});
    throw e;
  }
}

export function getApi(): Promise<Api> {
  holder.ready ??= boot().catch((e: unknown) => {
    holder.ready = undefined;
    throw e;
  });
  return holder.ready;
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
