'use client';
// The screens of records, connected to the engine: entities, an entity's assessments, one
// assessment, and the assessment and response forms. Saves go through the engine (record and
// outbox entry in one IndexedDB transaction) and say "Saved on this device" at once.
import { useEngine } from '../engine-context';
import { asAssessment, asResponse, type AssessmentData, type ResponseData } from '../forms';
import { useAssessmentDetail, useAssessmentRows, useEntities, useEntity, useRecord } from '../hooks/use-device-data';
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
  return (message = 'Saved on this device') => {
    toast(message);
    void requestBackgroundSync();
  };
}

export function EntitiesView() {
  const data = useEntities();
  const lastSyncedAt = useSync((s) => s.lastSyncedAt);
  return <EntityListScreen entities={data?.entities} assessmentCounts={data?.counts ?? new Map()} neverSynced={lastSyncedAt === null} />;
}

export function EntityView({ entityId }: { readonly entityId: string }) {
  const entity = useEntity(entityId);
  const rows = useAssessmentRows(entityId);
  return <AssessmentListScreen entity={entity} entityId={entityId} rows={rows} />;
}

function Missing({ what }: { readonly what: string }) {
  return (
    <section className="section">
      <h1>Not on this device</h1>
      <p>
        This {what} is not on this device (it may have been deleted). <a href={href({ name: 'entities' })}>Back to your sites</a>
      </p>
    </section>
  );
}

export function AssessmentView({ id }: { readonly id: string }) {
  const engine = useEngine();
  const saved = useSaved();
  const detail = useAssessmentDetail(id);
  const entity = useEntity(detail?.record?.entityId);
  if (detail === undefined) return <p className="empty">Loading…</p>;
  if (!detail.record) return <Missing what="assessment" />;
  const record = detail.record;
  return (
    <AssessmentDetailScreen
      id={id}
      entityId={record.entityId}
      entityName={entity?.name}
      data={asAssessment(record.data)}
      status={detail.status}
      responses={detail.responses}
      confirm={confirmWithUser}
      onDelete={() => {
        void engine.remove(id).then(() => {
          saved('Deleted on this device');
          go({ name: 'entity', entityId: record.entityId });
        });
      }}
      onDeleteResponse={(rid) => void engine.remove(rid).then(() => saved('Deleted on this device'))}
    />
  );
}

export function NewAssessmentView({ entityId }: { readonly entityId: string }) {
  const engine = useEngine();
  const saved = useSaved();
  const entity = useEntity(entityId);
  return (
    <AssessmentForm
      heading={`New assessment${entity ? ` · ${entity.name}` : ''}`}
      initial={{ title: '', answers: [] }}
      onCancel={() => go({ name: 'entity', entityId })}
      onSave={async (data: AssessmentData) => {
        await engine.create({ type: 'assessment', entityId, data: { ...data } });
        saved();
        go({ name: 'entity', entityId });
      }}
    />
  );
}

export function EditAssessmentView({ id }: { readonly id: string }) {
  const engine = useEngine();
  const saved = useSaved();
  const record = useRecord(id);
  if (record === undefined) return <p className="empty">Loading…</p>;
  if (!record || record.deleted) return <Missing what="assessment" />;
  return (
    <AssessmentForm
      key={record.id}
      heading="Edit assessment"
      initial={asAssessment(record.data)}
      onCancel={() => go({ name: 'assessment', assessmentId: id })}
      onSave={async (data) => {
        // Fields this app does not know (written by other clients) are kept.
        await engine.update(id, { ...record.data, ...data });
        saved();
        go({ name: 'assessment', assessmentId: id });
      }}
    />
  );
}

export function NewResponseView({ assessmentId }: { readonly assessmentId: string }) {
  const engine = useEngine();
  const saved = useSaved();
  const assessment = useRecord(assessmentId);
  if (assessment === undefined) return <p className="empty">Loading…</p>;
  if (!assessment || assessment.deleted) return <Missing what="assessment" />;
  return (
    <ResponseForm
      heading={`New response · ${asAssessment(assessment.data).title}`}
      initial={{ assessmentId, respondent: '', notes: '' }}
      onCancel={() => go({ name: 'assessment', assessmentId })}
      onSave={async (data: ResponseData) => {
        await engine.create({ type: 'response', entityId: assessment.entityId, data: { ...data } });
        saved();
        go({ name: 'assessment', assessmentId });
      }}
    />
  );
}

export function EditResponseView({ id }: { readonly id: string }) {
  const engine = useEngine();
  const saved = useSaved();
  const record = useRecord(id);
  if (record === undefined) return <p className="empty">Loading…</p>;
  if (!record || record.deleted) return <Missing what="response" />;
  const initial = asResponse(record.data);
  return (
    <ResponseForm
      key={record.id}
      heading="Edit response"
      initial={initial}
      onCancel={() => go({ name: 'assessment', assessmentId: initial.assessmentId })}
      onSave={async (data) => {
        await engine.update(id, { ...record.data, ...data });
        saved();
        go({ name: 'assessment', assessmentId: initial.assessmentId });
      }}
    />
  );
}
