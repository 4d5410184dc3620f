import { describe, expect, it } from 'vitest';
import type { Database } from '../../db/database';
import { testDatabases } from '../../db/test-databases';
import { HOUSEHOLD_SURVEY_FORM, WATER_POINT_FORM } from '../../forms/demo-forms';
import { change, newId, type PushKit, RIVER, SOUTH, storedRecord, watchedDatabase, withPushKit } from './push-test-kit';

if (!process.env.TEST_DATABASE_URL) console.warn('\n!!! push-forms: TEST_DATABASE_URL is unset, the PostgreSQL half DID NOT RUN !!!\n');

const PHOTO = '0193a000-0000-7000-8000-0000000000a1';
const waterPoint = (answers: Record<string, unknown>, over: Record<string, unknown> = {}) => ({
  formId: WATER_POINT_FORM.id,
  formVersion: 1,
  answers: { visit_date: '2026-12-05', location: { latitude: 9.5, longitude: 13.7, accuracy: 8 }, point_type: 'handpump', functional: 'yes', photos: [PHOTO], ...answers },
  ...over,
});

describe.each(testDatabases())('push checks assessments against their form on $name', (factory) => {
  let database: Database;
  let kit: PushKit;
  withPushKit(factory, (d, k) => ([database, kit] = [d, k]));

  it('applies an assessment whose answers fit its form version', async () => {
    const c = change({ data: waterPoint({ free_chlorine: 0.4 }) });
    const res = await kit.push('ana', [c]);
    expect(res.successful).toHaveLength(1);
    expect(await storedRecord(database, c.recordId)).toMatchObject({ version: 1 });
  });

  it('fails a change whose answers break the form, naming the question, and applies the rest of the batch', async () => {
    const broken = change({ data: waterPoint({ functional: 'no', queue_minutes: 2.5 }) });
    const fine = change({ data: waterPoint({}) });
    const freeForm = change({ data: { title: 'Free notes' } });
    const res = await kit.push('ana', [broken, fine, freeForm]);
    expect(res.successful.map((r) => r.changeId)).toEqual([fine.changeId, freeForm.changeId]);
    expect(res.failed).toEqual([
      expect.objectContaining({
        changeId: broken.changeId,
        code: 'VALIDATION',
        details: {
          formId: WATER_POINT_FORM.id,
          formVersion: 1,
          problems: [
            { questionId: 'faults', code: 'required', message: expect.any(String) },
            { questionId: 'queue_minutes', code: 'not_integer', message: expect.any(String) },
          ],
        },
      }),
    ]);
    expect(await storedRecord(database, broken.recordId)).toBeUndefined();
    // A replay answers the same, details included.
    const replay = await kit.push('ana', [broken]);
    expect(replay.failed).toEqual(res.failed);
  });

  it('checks updates too: an update that drops a required answer fails and the record keeps its version', async () => {
    const c = change({ data: waterPoint({}) });
    await kit.push('ana', [c]);
    const { photos: _dropped, ...rest } = waterPoint({}).answers;
    const res = await kit.push('ana', [change({ recordId: c.recordId, action: 'update', baseVersion: 1, hlc: kit.stamp(10), data: { ...waterPoint({}), answers: rest } })]);
    expect(res.failed).toMatchObject([{ code: 'VALIDATION', details: { problems: [{ questionId: 'photos', code: 'required' }] } }]);
    expect(await storedRecord(database, c.recordId)).toMatchObject({ version: 1 });
  });

  it('fails an unknown form or version, a badly named one, and a form not used in the entity', async () => {
    const unknownVersion = change({ entityId: SOUTH, data: waterPoint({}, { formVersion: 9 }) });
    const unknownForm = change({ entityId: SOUTH, data: waterPoint({}, { formId: newId() }) });
    const noVersion = change({ entityId: SOUTH, data: { formId: WATER_POINT_FORM.id, answers: {} } });
    const badAnswers = change({ entityId: SOUTH, data: waterPoint({}, { answers: 'all fine' }) });
    const res = await kit.push('ben', [unknownVersion, unknownForm, noVersion, badAnswers]);
    expect(res.failed.map((r) => [r.changeId, r.code])).toEqual([
      [unknownVersion.changeId, 'VALIDATION'],
      [unknownForm.changeId, 'VALIDATION'],
      [noVersion.changeId, 'VALIDATION'],
      [badAnswers.changeId, 'VALIDATION'],
    ]);
    // The household survey is for the camps: fine at Camp South, refused at Riverside.
    const survey = (entityId: string) =>
      change({ entityId, data: { formId: HOUSEHOLD_SURVEY_FORM.id, formVersion: 1, answers: { head_name: 'Amina', members: 5, shelter: 'tent', priority_needs: ['water', 'food'] } } });
    const south = survey(SOUTH);
    const river = survey(RIVER);
    const out = await kit.push('ben', [south, river]);
    expect(out.successful.map((r) => r.changeId)).toEqual([south.changeId]);
    expect(out.failed).toMatchObject([{ changeId: river.changeId, code: 'VALIDATION', message: 'this form is not used in this entity' }]);
  });

  it('reads the forms of a batch in one statement, and only for a batch that names one', async () => {
    let statements = 0;
    const counted = watchedDatabase(database, { onTransaction: () => void (statements += 2), onQuery: () => void (statements += 1) });
    const formed = Array.from({ length: 100 }, (_, i) =>
      i % 2 === 0 ? change({ data: waterPoint({ queue_minutes: i }) }) : change({ entityId: SOUTH, data: { formId: HOUSEHOLD_SURVEY_FORM.id, formVersion: 1, answers: { head_name: `H${i}`, members: 3, shelter: 'tent', priority_needs: ['food'] } } }),
    );
    expect((await kit.pushWith(counted, formed, 'dev_count')).successful).toHaveLength(100);
    // The batch's read, the forms, the write and the live-update notice.
    expect(statements).toBe(4);
    statements = 0;
    expect((await kit.pushWith(counted, [change({ data: { title: 'free' } })], 'dev_count')).successful).toHaveLength(1);
    expect(statements).toBe(3);
  });

  it('leaves a response or a delete naming a form unchecked', async () => {
    const a = change({ data: waterPoint({}) });
    await kit.push('ana', [a]);
    const response = change({ type: 'response', data: { assessmentId: a.recordId, formId: newId(), formVersion: 3 } });
    const removal = change({ recordId: a.recordId, action: 'delete', baseVersion: 1, hlc: kit.stamp(10), data: undefined });
    const res = await kit.push('ana', [response, removal]);
    expect(res.successful).toHaveLength(2);
  });
});
