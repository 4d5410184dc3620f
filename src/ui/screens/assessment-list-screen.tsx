// The assessments of one entity, newest first, each with its sync badge; and "new assessment".
import type { Entity } from '@/protocol/pull';
import { RecordBadge } from '../components/record-badge';
import type { RecordSyncStatus } from '../record-status';
import { href } from '../routes';

export interface AssessmentRow {
  readonly id: string;
  readonly title: string;
  readonly answers: number;
  readonly responses: number;
  readonly status: RecordSyncStatus;
}

export interface AssessmentListScreenProps {
  readonly entity: Entity | undefined;
  readonly entityId: string;
  readonly rows: readonly AssessmentRow[] | undefined;
}

export function AssessmentListScreen({ entity, entityId, rows }: AssessmentListScreenProps) {
  return (
    <section className="section" aria-labelledby="assessments-heading">
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <a href={href({ name: 'entities' })}>Your sites</a> › {entity?.name ?? '…'}
      </nav>
      <div className="row between">
        <h1 id="assessments-heading">{entity?.name ?? 'Site'}</h1>
        <a className="button" href={href({ name: 'new-assessment', entityId })} data-testid="new-assessment">
          New assessment
        </a>
      </div>
      {rows === undefined ? (
        <p className="empty">Loading…</p>
      ) : rows.length === 0 ? (
        <p className="empty">No assessments yet.</p>
      ) : (
        <ul className="list" aria-label="Assessments">
          {rows.map((r) => (
            <li key={r.id}>
              <a className="list-link" href={href({ name: 'assessment', assessmentId: r.id })} data-testid="assessment-item" data-record-id={r.id} data-status={r.status}>
                <span>
                  <span className="title">{r.title || '(untitled)'}</span>
                  <br />
                  <span className="muted">
                    {r.answers} answer{r.answers === 1 ? '' : 's'} · {r.responses} response{r.responses === 1 ? '' : 's'}
                  </span>
                </span>
                <RecordBadge status={r.status} />
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
