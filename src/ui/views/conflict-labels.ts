'use client';
// How the conflict screens name a user, a record and a field: people by name (the server puts
// `userName` / `resolvedByName` on conflict entries), records by their content (an assessment by
// its title, a response by its respondent), form answers by their questions' labels from the
// forms cached on the device, and a response's assessment by its title: never a raw id or key.
import type { useTranslation } from 'react-i18next';
import type { LocalRecord } from '@/client';
import { storedForm } from '@/client/forms';
import type { Form } from '@/protocol/forms';
import type { DiffContext } from '../diff';
import { useEngine } from '../engine-context';
import { asAssessment, asResponse } from '../forms';
import { useLiveQuery } from '../hooks/use-live-query';
import type { Session } from '../session';

type T = ReturnType<typeof useTranslation<'conflicts'>>['t'];

/** "you", the author's name, or "someone" when the user no longer exists. */
export function who(t: T, side: { readonly userId: string | null; readonly userName?: string | undefined }, session: Session): string {
  if (side.userId === session.user.id) return t('you');
  return side.userName ?? t('someone');
}

/** A record's title from its content. */
export function titleOf(t: T, type: string, data: Record<string, unknown>): string {
  if (type === 'response') {
    const respondent = asResponse(data).respondent;
    return respondent ? t('title.response', { respondent }) : t('title.responseUnnamed');
  }
  if (type === 'media') return typeof data.fileName === 'string' && data.fileName ? data.fileName : t('title.file');
  return asAssessment(data).title || t('title.untitled');
}

/** A field of the comparison as the user reads it: a question's label, or the built-in field's name. */
export function fieldLabel(t: T, row: { readonly field: string; readonly question?: string }): string {
  if (row.question !== undefined) return row.question;
  switch (row.field) {
    case 'title':
    case 'answers':
    case 'respondent':
    case 'notes':
    case 'assessmentId':
    case 'formVersion':
    case 'deleted':
      return t(`fields.${row.field}`);
    default:
      return row.field;
  }
}

const formKey = (id: string, version: number) => `${id.toLowerCase()}@${version}`;

/**
 * What the comparison looks up on the device for these versions of records: the forms they
 * answer (question labels) and the assessments responses belong to (their titles).
 */
export function useDiffContext(datas: readonly Record<string, unknown>[]): DiffContext & { readonly records: ReadonlyMap<string, LocalRecord> } {
  const engine = useEngine();
  const forms = [...new Set(datas.flatMap((d) => (typeof d.formId === 'string' && typeof d.formVersion === 'number' ? [formKey(d.formId, d.formVersion)] : [])))].sort();
  const assessments = [...new Set(datas.flatMap((d) => (typeof d.assessmentId === 'string' ? [d.assessmentId] : [])))].sort();
  const key = `${forms.join(',')}|${assessments.join(',')}`;
  const found = useLiveQuery(async () => {
    const loaded = await Promise.all(
      forms.map((k) => {
        const at = k.lastIndexOf('@');
        return storedForm(engine.db, k.slice(0, at), Number(k.slice(at + 1)));
      }),
    );
    const records = (await engine.db.records.bulkGet(assessments)).filter((r) => r !== undefined);
    return { forms: loaded.filter((f): f is Form => f !== undefined), records };
  }, [engine, key]);
  const byForm = new Map((found?.forms ?? []).map((f) => [formKey(f.id, f.version), f]));
  const records = new Map((found?.records ?? []).map((r) => [r.id, r]));
  return {
    records,
    questionLabel: (formId, version, questionId) => byForm.get(formKey(formId, version))?.definition.questions.find((q) => q.id === questionId)?.label,
    recordTitle: (id) => {
      const r = records.get(id);
      return r ? asAssessment(r.data).title || undefined : undefined;
    },
  };
}
