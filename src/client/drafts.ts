// Drafts: what a form holds as it is typed, kept on the device until the form is saved or the
// user discards it, so a reload, a killed tab or the OS discarding the page loses nothing.
// One row per form, keyed by what the form is for (draftKey); a newer write replaces the row.
import type { DraftRow, FieldsyncDb } from './db';

/** What a form is for; each gives one draft key. */
export type DraftTarget =
  | { readonly kind: 'new-assessment'; readonly entityId: string }
  | { readonly kind: 'new-form-assessment'; readonly entityId: string; readonly formId: string }
  | { readonly kind: 'edit-assessment'; readonly assessmentId: string }
  | { readonly kind: 'new-response'; readonly assessmentId: string }
  | { readonly kind: 'edit-response'; readonly responseId: string }
  | { readonly kind: 'form-editor'; readonly formId: string | null };

export function draftKey(t: DraftTarget): string {
  switch (t.kind) {
    case 'new-assessment':
      return `assessment:new:${t.entityId}`;
    case 'new-form-assessment':
      return `assessment:new:${t.entityId}:form:${t.formId}`;
    case 'edit-assessment':
      return `assessment:edit:${t.assessmentId}`;
    case 'new-response':
      return `response:new:${t.assessmentId}`;
    case 'edit-response':
      return `response:edit:${t.responseId}`;
    case 'form-editor':
      return `form-editor:${t.formId ?? 'new'}`;
  }
}

export async function saveDraft(db: FieldsyncDb, key: string, value: unknown, now: number): Promise<void> {
  await db.drafts.put({ key, value, savedAt: now });
}

export async function loadDraft(db: FieldsyncDb, key: string): Promise<DraftRow | undefined> {
  return db.drafts.get(key);
}

export async function clearDraft(db: FieldsyncDb, key: string): Promise<void> {
  await db.drafts.delete(key);
}
