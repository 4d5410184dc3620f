// On PostgreSQL: a transaction held open on another connection holds the pull feed back, and
// that shows as its age in /sync/status, as `degraded` in /health past the threshold, and as one
// warning a minute in the logs.
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthResponseSchema, SyncStatusResponseSchema } from '@/protocol/status';
import { type Api, createApi } from '../api';
import { manualClock } from '../clock';
import { testConfig } from '../config';
import { type ServerContext, createContext } from '../context';
import type { Database } from '../db/database';
import { testDatabases } from '../db/test-databases';
import { seedDemo } from '../seed/demo';
import { createUser } from '../sync/pull/test-fixtures';
import type { TestServer } from '../test-server';

const adminUrl = process.env.TEST_DATABASE_URL;
const THRESHOLD = 1;

describe.runIf(adminUrl)('feed lag on PostgreSQL', () => {
  let database: Database;
  let ctx: ServerContext;
  let api: Api;
  const clock = manualClock(Date.now());
  const warnings: Array<{ msg: string; feedLagSeconds: number }> = [];

  beforeAll(async () => {
    database = await testDatabases().find((f) => f.name === 'postgres')!.create();
    await seedDemo(database.db);
    const log = pino({ level: 'warn' }, { write: (line: string) => warnings.push(JSON.parse(line) as (typeof warnings)[number]) });
    ctx = await createContext({ database, config: testConfig({ feedLagWarnSeconds: THRESHOLD }), clock, log });
    api = createApi(ctx);
  });
  afterAll(async () => {
    await database.close();
  });

  it('reports the age of a transaction held open elsewhere in status, health and the logs', async () => {
    const server = { ctx, api, clock, token: () => Promise.reject(new Error('unused')) } as TestServer;
    const user = await createUser(server, 'field_worker', []);
    const holder = new pg.Client({ connectionString: adminUrl });
    await holder.connect();
    try {
      // A transaction with an id, left idle: every pull now waits for it.
      await holder.query('begin');
      await holder.query('select pg_current_xact_id()');
      await new Promise((res) => setTimeout(res, (THRESHOLD + 0.5) * 1000));

      const status = await api.syncStatus(new Request('http://test/api/v1/sync/status', { headers: { authorization: `Bearer ${user.token}` } }));
      expect(status.status).toBe(200);
      const s = SyncStatusResponseSchema.parse(await status.json());
      expect(s.feedLagSeconds).toBeGreaterThan(THRESHOLD);

      const health = await api.health(new Request('http://test/api/v1/health'));
      expect(health.status).toBe(200);
      const h = HealthResponseSchema.parse(await health.json());
      expect(h.status).toBe('ok');
      expect(h.feed).toBe('degraded');
      expect(h.db).toBe('ok');
      expect(h.feedLagSeconds).toBeGreaterThanOrEqual(s.feedLagSeconds);

      // One warning for both requests; the next only a minute later.
      const lagWarnings = () => warnings.filter((w) => typeof w.feedLagSeconds === 'number');
      expect(lagWarnings()).toHaveLength(1);
      expect(lagWarnings()[0]!.feedLagSeconds).toBeGreaterThan(THRESHOLD);
      await api.health(new Request('http://test/api/v1/health'));
      expect(lagWarnings()).toHaveLength(1);
      clock.advance(60_000);
      await api.health(new Request('http://test/api/v1/health'));
      expect(lagWarnings()).toHaveLength(2);
    } finally {
      await holder.query('rollback').catch(() => undefined);
      await holder.end();
    }
  });
});
