'use client';
// The screens of records, connected to the engine: entities, an entity's assessments, one
// assessment, and the assessment (free-form or from a form) and response forms. Saves go through
// the engine (record and outbox entry in one IndexedDB transaction) and say "Saved on this
// device" at once; each form keeps a draft on the device until it is saved.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { v7 as uuidv7 } from 'uuid';
import { draftKey, formsForEntity } from '@/client';
import { formRefOf } from '@/core/form-answers';
import { namesForm } from '@/protocol/forms';
import { useEngine } from '../engine-context';
import { asAssessment, asResponse, type AssessmentData, type ResponseData } from '../forms';
import { fromAnswers } from '../forms/fill-values';
import { FormFill } from '../forms/form-fill';
import { FormPicker } from '../forms/form-picker';
import { useAssessmentDetail, useEntities, useEntity, useRecord } from '../hooks/use-device-data';
import { useUnsyncedBySite } from '../hooks/use-list-query';
import { useLiveQuery } from '../hooks/use-live-query';
import { href, type Route } from '../routes';
import { AssessmentDetailScreen } from '../screens/assessment-detail-screen';
import { AssessmentForm } from '../screens/assessment-form';
import { AssessmentListScreen } from '../screens/assessment-list-screen';
import { EntityListScreen } from '../screens/entity-list-screen';
import { ResponseForm } from '../screens/response-form';
import { useToast } from '../components/toast';
import { useSync } from '../engine-context';
import { requestBackgroundSync } from '../service-worker';

export function go(route: Route): void {
  window.location.hash = href(route);
}

const confirmWithUser = (q: string) => window.confirm(q);

/** After a local write: the toast, and a Background Sync where the browser has one. */
function useSaved(): (message?: string) => void {
  const toast = useToast();
  const { t } = useTranslation('forms');
  return (message = t('toast.saved')) => {
    toast(message);
    void requestBackgroundSync();
  };
}

export function EntitiesView() {
  const data = useEntities();
  const lastSyncedAt = useSync((s) => s.lastSyncedAt);
  const unsynced = useUnsyncedBySite();
  return <EntityListScreen entities={data?.entities} assessmentCounts={data?.counts ?? new Map()} unsyncedCounts={unsynced} neverSynced={lastSyncedAt === null} />;
}

export function EntityView({ entityId }: { readonly entityId: string }) {
  const entity = useEntity(entityId);
  return <AssessmentListScreen entity={entity} entityId={entityId} />;
}

function Missing({ what }: { readonly what: 'assessment' | 'response' | 'form' }) {
  const { t } = useTranslation('forms');
  return (
    <section className="section">
      <h1>{t('missing.heading')}</h1>
      <p>
        {t(`missing.${what}`)} <a href={href({ name: 'entities' })}>{t('missing.back')}</a>
      </p>
    </section>
  );
}

function Loading() {
  const { t } = useTranslation('forms');
  return <p className="empty">{t('loading')}</p>;
}

/** The stored version an assessment answers, or null when it names none or this device lacks it. */
function useAnsweredForm(data: Record<string, unknown> | undefined) {
  const engine = useEngine();
  const ref = formRefOf(data);
  return useLiveQuery(async () => (ref ? ((await engine.db.forms.get([ref.formId, ref.formVersion])) ?? null) : null), [engine, ref?.formId, ref?.formVersion]);
}

export function AssessmentView({ id }: { readonly id: string }) {
  const engine = useEngine();
  const saved = useSaved();
  const { t } = useTranslation('forms');
  const detail = useAssessmentDetail(id);
  const entity = useEntity(detail?.record?.entityId);
  const form = useAnsweredForm(detail?.record?.data);
  if (detail === undefined) return <Loading />;
  if (!detail.record) return <Missing what="assessment" />;
  const record = detail.record;
  const answers = namesForm(record.data) && typeof record.data.answers === 'object' && record.data.answers !== null && !Array.isArray(record.data.answers)
    ? (record.data.answers as Record<string, unknown>)
    : null;
  // Until the form's version is read, not "this version is not on the device".
  if (answers !== null && form === undefined) return <Loading />;
  return (
    <AssessmentDetailScreen
      id={id}
      entityId={record.entityId}
      entityName={entity?.name}
      data={asAssessment(record.data)}
      formAnswers={answers === null ? null : { form: form ?? null, answers }}
      status={detail.status}
      responses={detail.responses}
      confirm={confirmWithUser}
      onDelete={() => {
        // Each response is deleted through the engine, so every device gets its tombstone.
        void (async () => {
          for (const r of detail.responses) await engine.remove(r.id);
          await engine.remove(id);
          saved(t('toast.deleted'));
          window.location.replace(href({ name: 'entity', entityId: record.entityId }));
        })();
      }}
      onDeleteResponse={(rid) => void engine.remove(rid).then(() => saved(t('toast.deleted')))}
    />
  );
}

export function NewAssessmentView({ entityId }: { readonly entityId: string }) {
  const engine = useEngine();
  const saved = useSaved();
  const { t } = useTranslation('forms');
  const entity = useEntity(entityId);
  return (
    <AssessmentForm
      heading={entity ? t('free.newHeadingAt', { site: entity.name }) : t('free.newHeading')}
      intro={<FormPicker entityId={entityId} />}
      initial={{ title: '', answers: [] }}
      draftKey={draftKey({ kind: 'new-assessment', entityId })}
      onCancel={() => go({ name: 'entity', entityId })}
      onSave={async (data: AssessmentData) => {
        await engine.create({ type: 'assessment', entityId, data: { ...data } });
        saved();
        return { name: 'entity', entityId };
      }}
    />
  );
}

export function NewFormAssessmentView({ entityId, formId }: { readonly entityId: string; readonly formId: string }) {
  const engine = useEngine();
  const saved = useSaved();
  const { t } = useTranslation('forms');
  const entity = useEntity(entityId);
  const versions = useLiveQuery(() => engine.db.forms.where('id').equals(formId.toLowerCase()).toArray(), [engine, formId]);
  const latest = useLiveQuery(async () => (await formsForEntity(engine.db, entityId)).find((f) => f.id === formId.toLowerCase()) ?? null, [engine, entityId, formId]);
  // The id is fixed before the first save: photos are attached under it while the form is filled.
  const [assessmentId] = useState(() => uuidv7());
  if (versions === undefined || latest === undefined) return <Loading />;
  if (!latest) return <Missing what="form" />;
  return (
    <FormFill
      heading={entity ? t('fill.headingAt', { title: latest.title, site: entity.name }) : latest.title}
      versions={versions}
      entityId={entityId}
      draftKey={draftKey({ kind: 'new-form-assessment', entityId, formId: latest.id })}
      initial={{ assessmentId, formVersion: latest.version, values: {} }}
      onCancel={() => go({ name: 'new-assessment', entityId })}
      onSave={async (answers, form, id) => {
        await engine.create({ id, type: 'assessment', entityId, data: { title: form.title, formId: form.id, formVersion: form.version, answers: { ...answers } } });
        saved();
        return { name: 'assessment', assessmentId: id };
      }}
    />
  );
}

export function EditAssessmentView({ id }: { readonly id: string }) {
  const engine = useEngine();
  const saved = useSaved();
  const { t } = useTranslation('forms');
  const record = useRecord(id);
  const form = useAnsweredForm(record?.data);
  if (record === undefined || (record && namesForm(record.data) && form === undefined)) return <Loading />;
  if (!record || record.deleted) return <Missing what="assessment" />;
  if (namesForm(record.data)) {
    if (!form) return <Missing what="form" />;
    const answers = typeof record.data.answers === 'object' && record.data.answers !== null ? (record.data.answers as Record<string, unknown>) : {};
    return (
      <FormFill
        key={record.id}
        heading={t('fill.editHeading', { title: form.title })}
        versions={[form]}
        entityId={record.entityId}
        draftKey={draftKey({ kind: 'edit-assessment', assessmentId: id })}
        initial={{ assessmentId: id, formVersion: form.version, values: fromAnswers(form.definition, answers) }}
        onCancel={() => go({ name: 'assessment', assessmentId: id })}
        onSave={async (next) => {
          // Fields this app does not know (written by other clients) are kept.
          await engine.update(id, { ...record.data, answers: { ...next } });
          saved();
          return { name: 'assessment', assessmentId: id };
        }}
      />
    );
  }
  return (
    <AssessmentForm
      key={record.id}
      heading={t('free.editHeading')}
      initial={asAssessment(record.data)}
      draftKey={draftKey({ kind: 'edit-assessment', assessmentId: id })}
      onCancel={() => go({ name: 'assessment', assessmentId: id })}
      onSave={async (data) => {
        // Fields this app does not know (written by other clients) are kept.
        await engine.update(id, { ...record.data, ...data });
        saved();
        return { name: 'assessment', assessmentId: id };
      }}
    />
  );
}

export function NewResponseView({ assessmentId }: { readonly assessmentId: string }) {
  const engine = useEngine();
  const saved = useSaved();
  const { t } = useTranslation('forms');
  const assessment = useRecord(assessmentId);
  if (assessment === undefined) return <Loading />;
  if (!assessment || assessment.deleted) return <Missing what="assessment" />;
  return (
    <ResponseForm
      heading={t('response.newHeading', { title: asAssessment(assessment.data).title })}
      initial={{ assessmentId, respondent: '', notes: '' }}
      draftKey={draftKey({ kind: 'new-response', assessmentId })}
      onCancel={() => go({ name: 'assessment', assessmentId })}
      onSave={async (data: ResponseData) => {
        await engine.create({ type: 'response', entityId: assessment.entityId, data: { ...data } });
        saved();
        return { name: 'assessment', assessmentId };
      }}
    />
  );
}

export function EditResponseView({ id }: { readonly id: string }) {
  const engine = useEngine();
  const saved = useSaved();
  const { t } = useTranslation('forms');
  const record = useRecord(id);
  if (record === undefined) return <Loading />;
  if (!record || record.deleted) return <Missing what="response" />;
  const initial = asResponse(record.data);
  return (
    <ResponseForm
      key={record.id}
      heading={t('response.editHeading')}
      initial={initial}
      draftKey={draftKey({ kind: 'edit-response', responseId: id })}
      onCancel={() => go({ name: 'assessment', assessmentId: initial.assessmentId })}
      onSave={async (data) => {
        await engine.update(id, { ...record.data, ...data });
        saved();
        return { name: 'assessment', assessmentId: initial.assessmentId };
      }}
    />
  );
}
