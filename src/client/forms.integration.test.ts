// The device's form cache against the real forms handlers (PGlite), on fake IndexedDB.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/server/db/database';
import { testDatabases } from '@/server/db/test-databases';
import { HOUSEHOLD_SURVEY_FORM, WATER_POINT_FORM } from '@/server/forms/demo-forms';
import { DEMO_ENTITIES } from '@/server/seed/demo';
import { type TestServer, createTestServer } from '@/server/test-server';
import type { FieldsyncDb } from './db';
import type { FetchLike } from './env';
import { UnauthorizedError } from './errors';
import { formsForEntity, refreshForms, storedForm } from './forms';
import { DEMO_PASSWORD } from '@/server/seed/demo';
import { ControlledNetwork } from './testing/controlled-network';
import { Device, idleAll } from './testing/device';
import { FakeTime, fakeDb } from './testing/fake-env';

const E = DEMO_ENTITIES;
const definition = { questions: [{ id: 'ok', type: 'text', label: 'OK?' }] };

let database: Database;
let server: TestServer;
let asked: Array<string | null>;
let statuses: number[];

// Every GET /api/v1/forms goes to the real handler; what was sent and answered is kept.
const fetch: FetchLike = async (input, init) => {
  const request = new Request(`http://test${new URL(input, 'http://test').pathname}`, init);
  asked.push(request.headers.get('if-none-match'));
  const res = await server.api.forms(request);
  statuses.push(res.status);
  return res;
};
const source = { fetch, baseUrl: '' };

beforeAll(async () => {
  database = await testDatabases()[0]!.create();
  server = await createTestServer(database);
}, 120_000);

afterAll(async () => {
  await database?.close();
});

const publish = async (body: unknown) => {
  const res = await server.api.adminPublishForm(
    new Request('http://test/api/v1/admin/forms', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await server.token('admin@demo.fieldsync')}` },
      body: JSON.stringify(body),
    }),
  );
  expect(res.status).toBe(201);
  return ((await res.json()) as { form: { id: string } }).form.id;
};

describe('the device form cache', () => {
  let db: FieldsyncDb;
  beforeAll(() => {
    db = fakeDb(`forms-${Date.now()}`);
    asked = [];
    statuses = [];
  });

  it('stores the forms, revalidates with the ETag, and takes a new version when one is published', async () => {
    const token = await server.token('ana@demo.fieldsync');
    expect(await refreshForms(db, source, token)).toBe(true);
    expect((await formsForEntity(db, E.campNorth.id)).map((f) => f.id).sort()).toEqual([WATER_POINT_FORM.id, HOUSEHOLD_SURVEY_FORM.id].sort());
    expect(await refreshForms(db, source, token)).toBe(false);
    expect(statuses).toEqual([200, 304]);
    expect(asked[0]).toBeNull();
    expect(asked[1]).toMatch(/^"forms-/);

    const id = await publish({ id: WATER_POINT_FORM.id, title: 'WASH water point check', definition });
    expect(id).toBe(WATER_POINT_FORM.id);
    expect(await refreshForms(db, source, token)).toBe(true);
    // The list shows the latest version; the earlier one stays for assessments begun on it.
    const north = await formsForEntity(db, E.campNorth.id);
    expect(north.find((f) => f.id === WATER_POINT_FORM.id)?.version).toBe(2);
    expect((await storedForm(db, WATER_POINT_FORM.id, 1))?.definition).toEqual(WATER_POINT_FORM.definition);
  });

  it('lists for an entity only the forms usable there', async () => {
    const token = await server.token('ben@demo.fieldsync');
    const clinicOnly = await publish({ title: 'Clinic triage', entityIds: [E.riverside.id], definition });
    const benDb = fakeDb(`forms-ben-${Date.now()}`);
    await refreshForms(benDb, source, token);
    const at = async (entityId: string) => (await formsForEntity(benDb, entityId)).map((f) => f.id);
    expect(await at(E.riverside.id)).toContain(clinicOnly);
    expect(await at(E.riverside.id)).not.toContain(HOUSEHOLD_SURVEY_FORM.id);
    expect(await at(E.campSouth.id)).toContain(HOUSEHOLD_SURVEY_FORM.id);
    expect(await at(E.campSouth.id)).not.toContain(clinicOnly);
  });

  it('keeps its copy when the token is refused', async () => {
    const before = await db.forms.count();
    await expect(refreshForms(db, source, 'not.a.token')).rejects.toBeInstanceOf(UnauthorizedError);
    expect(await db.forms.count()).toBe(before);
  });
});

describe('the engine and the form cache', () => {
  it('refreshes the stored forms with each sync run when asked to, so a device has them offline', async () => {
    const api = server.api;
    const net = new ControlledNetwork({
      'GET /api/v1/health': api.health,
      'POST /api/v1/auth/login': api.login,
      'POST /api/v1/sync/batch': api.syncPush,
      'GET /api/v1/sync/pull': api.syncPull,
      'GET /api/v1/forms': api.forms,
    });
    const time = new FakeTime(server.clock.now());
    const withCache = await Device.open(`forms-engine-${Date.now()}`, net.fetch, time, { formsCache: true });
    const without = await Device.open(`forms-engine-off-${Date.now()}`, net.fetch, time);
    try {
      await withCache.login('ana@demo.fieldsync', DEMO_PASSWORD);
      await without.login('ana@demo.fieldsync', DEMO_PASSWORD);
      await idleAll([withCache, without]);
      await expect.poll(async () => (await formsForEntity(withCache.engine.db, E.campNorth.id)).map((f) => f.id)).toContain(HOUSEHOLD_SURVEY_FORM.id);
      expect(await without.engine.db.forms.count()).toBe(0);
    } finally {
      await Promise.all([withCache.close(), without.close()]);
    }
  });
});
