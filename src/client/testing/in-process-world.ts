// Devices running the real engine against the REAL server handlers of this repo, in process, on
// a test database (PGlite unless TEST_DATABASE_URL says PostgreSQL), through a network the test
// controls: the set-up shared by the client's integration tests.
import { sql } from 'drizzle-orm';
import { type Database, rows } from '@/server/db/database';
import { testDatabases } from '@/server/db/test-databases';
import { DEMO_PASSWORD } from '@/server/seed/demo';
import { type TestServer, createTestServer } from '@/server/test-server';
import type { SyncEngineOptions } from '../engine';
import type { FetchLike } from '../env';
import { ControlledNetwork } from './controlled-network';
import { Device, idleAll } from './device';
import { FakeTime } from './fake-env';

export type DemoUser = 'ana' | 'ben' | 'cora';

export interface InProcessWorld {
  readonly database: Database;
  readonly server: TestServer;
  readonly net: ControlledNetwork;
  readonly time: FakeTime;
  /** A new device of a demo user, logged in and idle; `fetch` and `options` replace the world's network and the engine's defaults. */
  device(label: string, user: DemoUser, open?: { fetch?: FetchLike; options?: Partial<SyncEngineOptions> }): Promise<Device>;
  /** The server's row of a record, or undefined. */
  stored(id: string): Promise<{ version: number; data: Record<string, unknown>; deleted: boolean } | undefined>;
  close(): Promise<void>;
}

export async function inProcessWorld(): Promise<InProcessWorld> {
  const database = await testDatabases()[0]!.create();
  const server = await createTestServer(database, { syncRequestsPerMinute: 100_000 });
  const api = server.api;
  const net = new ControlledNetwork({
    'GET /api/v1/health': api.health,
    'POST /api/v1/auth/login': api.login,
    'POST /api/v1/sync/batch': api.syncPush,
    'GET /api/v1/sync/pull': api.syncPull,
    'GET /api/v1/sync/conflicts': api.syncConflicts,
  });
  const time = new FakeTime(server.clock.now());
  const devices: Device[] = [];
  return {
    database,
    server,
    net,
    time,
    device: async (label, user, open = {}) => {
      const d = await Device.open(`${label}-${devices.length}`, open.fetch ?? net.fetch, time, open.options);
      devices.push(d);
      await d.login(`${user}@demo.fieldsync`, DEMO_PASSWORD);
      await idleAll([d]);
      return d;
    },
    stored: async (id) => {
      const [r] = await rows<{ version: number; data: Record<string, unknown>; deleted: boolean }>(
        database.db,
        sql`select version, data, deleted from records where id = ${id}`,
      );
      return r;
    },
    close: async () => {
      for (const d of devices) await d.close();
      await server.ctx.events.close();
      await database.close();
    },
  };
}
