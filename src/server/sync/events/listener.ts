// The instance's one LISTEN connection, whatever the number of streams: on PostgreSQL a
// dedicated client beside the pool (a LISTEN holds its connection for good), reconnected with
// backoff when it drops; on PGlite the embedded database's own listen(). After a reconnect
// `onGap` runs, because notices sent while it was down are lost. With no stream left to serve,
// a dropped connection is left closed (`onStop`) until the next stream.
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { backoffDelay } from '@/core/backoff';
import type { Database } from '../../db/database';
import type { Logger } from '../../log';
import { EVENTS_CHANNEL } from './notice';

export interface Listener {
  close(): Promise<void>;
}

export interface ListenHandlers {
  onNotice(payload: string): void;
  onGap(): void;
  /** Whether any stream still wants notices: a dropped connection nobody needs is not reopened. */
  wanted(): boolean;
  /** The connection dropped and was not reopened; the next stream listens anew. */
  onStop(): void;
}

export function listen(database: Database, handlers: ListenHandlers, log: Logger): Promise<Listener> {
  const client = (database.db as unknown as { $client: unknown }).$client;
  return database.kind === 'pglite' ? listenPglite(client as PGlite, handlers) : listenPostgres(client as pg.Pool, handlers, log);
}

async function listenPglite(client: PGlite, handlers: ListenHandlers): Promise<Listener> {
  const unlisten = await client.listen(EVENTS_CHANNEL, (payload) => handlers.onNotice(payload));
  return {
    close: async () => {
      if (!client.closed) await unlisten();
    },
  };
}

async function listenPostgres(pool: pg.Pool, handlers: ListenHandlers, log: Logger): Promise<Listener> {
  let closed = false;
  let current: pg.Client | null = null;
  let retry = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const connect = async (): Promise<void> => {
    // The pool's own settings (connection string, credentials, TLS), minus what is the pool's.
    const { max: _max, idleTimeoutMillis: _idle, ...options } = pool.options;
    const client = new pg.Client(options);
    client.on('notification', (n) => {
      if (n.channel === EVENTS_CHANNEL && n.payload !== undefined) handlers.onNotice(n.payload);
    });
    client.on('error', () => dropped(client));
    client.on('end', () => dropped(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    } catch (e) {
      await client.end().catch(() => {});
      throw e;
    }
    if (closed) {
      await client.end().catch(() => {});
      return;
    }
    current = client;
    retry = 0;
  };

  const dropped = (client: pg.Client): void => {
    if (current !== client || closed) return;
    current = null;
    log.warn('live updates: the LISTEN connection dropped; reconnecting');
    schedule();
  };

  const schedule = (): void => {
    timer = setTimeout(() => {
      if (!handlers.wanted()) {
        closed = true;
        handlers.onStop();
        return;
      }
      connect().then(
        () => {
          if (!closed) handlers.onGap();
        },
        () => {
          retry++;
          if (!closed) schedule();
        },
      );
    }, backoffDelay(retry, Math.random()));
    timer.unref();
  };

  await connect();
  return {
    close: async () => {
      closed = true;
      clearTimeout(timer);
      const client = current;
      current = null;
      await client?.end().catch(() => {});
    },
  };
}
