import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Form, FormDefinitionSchema, type FormsResponse } from '@/protocol/forms';
import type { Database } from '../db/database';
import { testDatabases } from '../db/test-databases';
import { DEMO_ENTITIES } from '../seed/demo';
import { type TestServer, createTestServer } from '../test-server';
import { DEMO_FORMS, HOUSEHOLD_SURVEY_FORM, WATER_POINT_FORM } from './demo-forms';

const E = DEMO_ENTITIES;
const definition = { questions: [{ id: 'ok', type: 'single_choice', label: 'All well?', required: true, choices: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] }] };

if (!process.env.TEST_DATABASE_URL) console.warn('\n!!! forms-api: TEST_DATABASE_URL is unset, the PostgreSQL half DID NOT RUN !!!\n');

describe.each(testDatabases())('forms API on $name', (factory) => {
  let database: Database;
  let server: TestServer;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    database = await factory.create();
    server = await createTestServer(database, { syncRequestsPerMinute: 100_000 });
    for (const u of ['admin', 'ana', 'ben', 'cora']) tokens[u] = await server.token(`${u}@demo.fieldsync`);
  });
  afterAll(async () => {
    await database.close();
  });

  const publish = async (who: string, body: unknown) => {
    const res = await server.api.adminPublishForm(
      new Request('http://test/api/v1/admin/forms', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[who]}` },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    );
    return { status: res.status, body: (await res.json()) as { form: Form; error: { code: string; details?: { path: string } } } };
  };
  const list = async (who: string, etag?: string) => {
    const res = await server.api.forms(
      new Request('http://test/api/v1/forms', { headers: { authorization: `Bearer ${tokens[who]}`, ...(etag ? { 'if-none-match': etag } : {}) } }),
    );
    const text = await res.text();
    return { status: res.status, etag: res.headers.get('etag'), body: text ? (JSON.parse(text) as FormsResponse) : undefined };
  };
  const keys = (r: { body?: FormsResponse | undefined }) => (r.body?.forms ?? []).map((f) => `${f.id}:${f.version}`);

  it('seeds the demo forms, valid by the format', async () => {
    for (const f of DEMO_FORMS) expect(FormDefinitionSchema.safeParse(f.definition).success).toBe(true);
    const admin = await list('admin');
    expect(admin.status).toBe(200);
    expect(keys(admin)).toEqual(expect.arrayContaining([`${WATER_POINT_FORM.id}:1`, `${HOUSEHOLD_SURVEY_FORM.id}:1`]));
    // Ben works at Camp South and Riverside: both; a form for the camps only would not reach Riverside-only users.
    expect(keys(await list('ben'))).toEqual(expect.arrayContaining([`${WATER_POINT_FORM.id}:1`, `${HOUSEHOLD_SURVEY_FORM.id}:1`]));
  });

  it('publishes version 1, then n+1 for the same id, keeping earlier versions unchanged', async () => {
    const first = await publish('admin', { title: 'Latrine check', definition });
    expect(first.status).toBe(201);
    expect(first.body.form).toMatchObject({ version: 1, title: 'Latrine check', entityIds: null, definition });
    const id = first.body.form.id;
    const changed = { questions: [...definition.questions, { id: 'note', type: 'text', label: 'Note' }] };
    const second = await publish('admin', { id, title: 'Latrine check v2', definition: changed });
    expect(second.body.form).toMatchObject({ id, version: 2, title: 'Latrine check v2', definition: changed });
    const forms = (await list('ana')).body!.forms.filter((f) => f.id === id);
    expect(forms.map((f) => [f.version, f.definition])).toEqual([
      [1, definition],
      [2, changed],
    ]);
  });

  it('gives consecutive versions to publications of one form at once', async () => {
    const id = randomUUID();
    const results = await Promise.all([1, 2, 3, 4].map((n) => publish('admin', { id, title: `Race ${n}`, definition })));
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    expect(results.map((r) => r.body.form.version).sort()).toEqual([1, 2, 3, 4]);
  });

  it('lists only forms usable in the caller\'s entities', async () => {
    const riverOnly = await publish('admin', { title: 'Clinic triage', entityIds: [E.riverside.id], definition });
    const id = riverOnly.body.form.id;
    expect(riverOnly.body.form.entityIds).toEqual([E.riverside.id]);
    expect(keys(await list('ana'))).not.toContain(`${id}:1`);
    expect(keys(await list('ben'))).toContain(`${id}:1`);
    expect(keys(await list('cora'))).toContain(`${id}:1`);
  });

  it('answers 304 for the current ETag, and a new tag once a version is published', async () => {
    const before = await list('ana');
    expect(before.etag).toMatch(/^"forms-/);
    const again = await list('ana', before.etag!);
    expect([again.status, again.body]).toEqual([304, undefined]);
    expect((await list('ana', `W/${before.etag!}`)).status).toBe(304);
    expect((await list('ana', '"something else"')).status).toBe(200);
    // A form Ana cannot use does not change her tag; one she can use does.
    await publish('admin', { title: 'Clinic only', entityIds: [E.riverside.id], definition });
    expect((await list('ana', before.etag!)).status).toBe(304);
    await publish('cora', { title: 'North only', entityIds: [E.campNorth.id], definition });
    const after = await list('ana', before.etag!);
    expect(after.status).toBe(200);
    expect(after.etag).not.toBe(before.etag);
  });

  it('lets a coordinator publish only for their own entities, and never for all', async () => {
    expect((await publish('cora', { title: 'Camps', entityIds: [E.campNorth.id, E.campSouth.id], definition })).status).toBe(201);
    expect((await publish('cora', { title: 'Everywhere', definition })).status).toBe(403);
    expect((await publish('cora', { title: 'Everywhere', entityIds: null, definition })).status).toBe(403);
    const elsewhere = randomUUID();
    expect((await publish('cora', { title: 'Elsewhere', entityIds: [E.campNorth.id, elsewhere], definition })).status).toBe(403);
    // Nor a new version of a form used beyond their entities.
    expect((await publish('cora', { id: WATER_POINT_FORM.id, title: 'Mine now', entityIds: [E.campNorth.id], definition })).status).toBe(403);
    expect((await publish('ana', { title: 'Mine', entityIds: [E.campNorth.id], definition })).status).toBe(403);
  });

  it('refuses an unknown entity (404) and a bad definition (400 VALIDATION with the path), and stores nothing', async () => {
    const unknown = await publish('admin', { title: 'Nowhere', entityIds: [randomUUID()], definition });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'NOT_FOUND']);
    const before = await list('admin');
    const backwards = await publish('admin', {
      title: 'Backwards',
      definition: { questions: [{ id: 'a', type: 'text', label: 'A', showIf: { questionId: 'b', answered: true } }, { id: 'b', type: 'text', label: 'B' }] },
    });
    expect([backwards.status, backwards.body.error.code, backwards.body.error.details?.path]).toEqual([400, 'VALIDATION', 'definition.questions.0.showIf.questionId']);
    const bounds = await publish('admin', { title: 'Bounds', definition: { questions: [{ id: 'n', type: 'number', label: 'N', min: 3, max: 1 }] } });
    expect(bounds.body.error.details?.path).toBe('definition.questions.0.max');
    expect((await publish('admin', { title: '', definition })).body.error.details?.path).toBe('title');
    expect((await publish('admin', { title: 'Extra', definition, colour: 'red' })).status).toBe(400);
    expect((await publish('admin', '{not json')).status).toBe(400);
    expect((await publish('admin', { title: 'Nul', definition: { questions: [{ id: 'a', type: 'text', label: 'bad \u0000' }] } })).status).toBe(400);
    const after = await list('admin');
    expect(after.etag).toBe(before.etag);
  });

  it('needs a token', async () => {
    const res = await server.api.forms(new Request('http://test/api/v1/forms'));
    expect(res.status).toBe(401);
  });
});
