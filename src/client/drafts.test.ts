import { afterEach, describe, expect, it } from 'vitest';
import type { FieldsyncDb } from './db';
import { clearDraft, draftKey, loadDraft, saveDraft } from './drafts';
import { IDBFactory, fakeDb } from './testing/fake-env';

let db: FieldsyncDb;
afterEach(() => db?.close());

describe('form drafts on the device', () => {
  it('keeps the latest value of a form until it is cleared', async () => {
    const factory = new IDBFactory();
    db = fakeDb('drafts', factory);
    const key = draftKey({ kind: 'edit-assessment', assessmentId: 'a1' });
    await saveDraft(db, key, { title: 'W' }, 1);
    await saveDraft(db, key, { title: 'Water' }, 2);
    db.close();
    // A new connection, as after a reload or a killed tab.
    db = fakeDb('drafts', factory);
    expect(await loadDraft(db, key)).toEqual({ key, value: { title: 'Water' }, savedAt: 2 });
    await clearDraft(db, key);
    expect(await loadDraft(db, key)).toBeUndefined();
  });

  it('keeps the drafts of different forms apart', async () => {
    db = fakeDb('drafts-apart', new IDBFactory());
    const a = draftKey({ kind: 'new-assessment', entityId: 'e1' });
    const f = draftKey({ kind: 'new-form-assessment', entityId: 'e1', formId: 'f1' });
    const r = draftKey({ kind: 'new-response', assessmentId: 'a1' });
    expect(new Set([a, f, r]).size).toBe(3);
    await saveDraft(db, a, 'free', 1);
    await saveDraft(db, f, 'form', 1);
    await clearDraft(db, a);
    expect(await loadDraft(db, a)).toBeUndefined();
    expect((await loadDraft(db, f))?.value).toBe('form');
  });
});
