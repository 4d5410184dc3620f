import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database';
import { testDatabases } from '../db/test-databases';
import { DEMO_ENTITIES } from '../seed/demo';
import { stamp } from '../sync/pull/test-fixtures';
import { type TestServer, createTestServer } from '../test-server';

const SCRAPE_TOKEN = 'scrape-token-0123456789';
const scrape = (authorization?: string) =>
  new Request('http://test/api/v1/metrics', authorization ? { headers: { authorization } } : {});

/** The value of one sample line (`name{labels} value`) of the exposition, or undefined. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `) || (labels === '' && l.startsWith(`${name} `)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe.each(testDatabases())('GET /api/v1/metrics on $name', (factory) => {
  let database: Database;
  let server: TestServer;
  let admin: string;
  let ana: string;
  beforeAll(async () => {
    database = await factory.create();
    server = await createTestServer(database, { metricsToken: SCRAPE_TOKEN });
    admin = await server.token('admin@demo.fieldsync');
    ana = await server.token('ana@demo.fieldsync');
  });
  afterAll(async () => {
    await database.close();
  });

  it('is 401 without a bearer or with a wrong scrape token, 403 for a user who is not an admin', async () => {
    expect((await server.api.metrics(scrape())).status).toBe(401);
    expect((await server.api.metrics(scrape(`Bearer ${SCRAPE_TOKEN}x`))).status).toBe(401);
    const user = await server.api.metrics(scrape(`Bearer ${ana}`));
    expect(user.status).toBe(403);
    expect(await user.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
  });

  it('answers Prometheus text to the scrape token and to an admin', async () => {
    for (const bearer of [SCRAPE_TOKEN, admin]) {
      const res = await server.api.metrics(scrape(`Bearer ${bearer}`));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      expect(text).toContain('# TYPE fieldsync_http_request_duration_seconds histogram');
      expect(text).toContain('process_cpu_seconds_total');
      expect(sample(text, 'fieldsync_upload_bytes_total')).toBe(0);
    }
  });

  it('counts requests by route and status, pushed changes by result, and open conflicts from the database', async () => {
    const recordId = randomUUID();
    const change = (action: 'create' | 'update') => ({ changeId: randomUUID(), type: 'assessment', action, recordId, entityId: DEMO_ENTITIES.campNorth.id, baseVersion: 0, hlc: stamp('dev_m'), data: { action } });
    const push = (c: unknown) =>
      server.api.syncPush(
        new Request('http://test/api/v1/sync/batch', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${ana}` },
          body: JSON.stringify({ deviceId: 'dev_m', changes: [c] }),
        }),
      );
    expect((await push(change('create'))).status).toBe(200);
    // The same base again: a conflict.
    expect((await push(change('update'))).status).toBe(200);
    const text = await (await server.api.metrics(scrape(`Bearer ${SCRAPE_TOKEN}`))).text();
    expect(sample(text, 'fieldsync_http_requests_total', '{route="syncPush",method="POST",status="200"}')).toBe(2);
    expect(sample(text, 'fieldsync_http_requests_total', '{route="metrics",method="GET",status="401"}')).toBe(2);
    expect(sample(text, 'fieldsync_changes_pushed_total', '{result="success"}')).toBe(1);
    expect(sample(text, 'fieldsync_changes_pushed_total', '{result="conflict"}')).toBe(1);
    expect(sample(text, 'fieldsync_conflicts_total')).toBe(1);
    expect(sample(text, 'fieldsync_open_conflicts')).toBe(1);
    if (factory.name === 'postgres') expect(sample(text, 'fieldsync_db_pool_clients', '{state="total"}')).toBeGreaterThan(0);
  });

  it('keeps each server context to its own registry', async () => {
    const other = await createTestServer(database, { metricsToken: SCRAPE_TOKEN });
    const text = await (await other.api.metrics(scrape(`Bearer ${SCRAPE_TOKEN}`))).text();
    expect(sample(text, 'fieldsync_http_requests_total', '{route="syncPush",method="POST",status="200"}')).toBeUndefined();
  });
});
