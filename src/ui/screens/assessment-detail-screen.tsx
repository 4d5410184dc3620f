// One assessment: its answers, its sync state, edit and delete (delete asks first), its photos
// and files, and its responses with add, edit and delete, each with photos and files of its own.
import { MediaPanel } from '../components/media-panel';
import { RecordBadge } from '../components/record-badge';
import type { AssessmentData, ResponseData } from '../forms';
import type { RecordSyncStatus } from '../record-status';
import { href } from '../routes';

export interface ResponseRow {
  readonly id: string;
  readonly data: ResponseData;
  readonly status: RecordSyncStatus;
}

export interface AssessmentDetailProps {
  readonly id: string;
  readonly entityId: string;
  readonly entityName: string | undefined;
  readonly data: AssessmentData;
  readonly status: RecordSyncStatus;
  readonly responses: readonly ResponseRow[];
  readonly onDelete: () => void;
  readonly onDeleteResponse: (id: string) => void;
  readonly confirm: (question: string) => boolean;
}

export function AssessmentDetailScreen(p: AssessmentDetailProps) {
  return (
    <>
      <section className="section" aria-labelledby="assessment-heading">
        <nav className="breadcrumb" aria-label="Breadcrumb">
          <a href={href({ name: 'entities' })}>Your sites</a> › <a href={href({ name: 'entity', entityId: p.entityId })}>{p.entityName ?? 'Site'}</a>
        </nav>
        <div className="row between">
          <h1 id="assessment-heading" data-testid="assessment-heading">
            {p.data.title || '(untitled)'}
          </h1>
          <RecordBadge status={p.status} />
        </div>
        {p.status === 'lost' && (
          <p className="banner info" role="status" style={{ margin: '0 0 0.75rem' }}>
            Someone else’s later edit of this assessment won, so your edit was not applied. It is kept: see{' '}
            <a href={href({ name: 'conflicts' })}>Conflicts</a>. A coordinator can restore it.
          </p>
        )}
        {p.data.answers.length === 0 ? (
          <p className="empty">No answers yet.</p>
        ) : (
          <dl>
            {p.data.answers.map((a, i) => (
              <div key={i} style={{ marginBottom: '0.6rem' }}>
                <dt className="muted">{a.question}</dt>
                <dd style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{a.answer || '—'}</dd>
              </div>
            ))}
          </dl>
        )}
        <div className="row">
          <a className="button secondary" href={href({ name: 'edit-assessment', assessmentId: p.id })} data-testid="edit-assessment">
            Edit
          </a>
          <button
            type="button"
            className="danger secondary"
            data-testid="delete-assessment"
            onClick={() => {
              if (p.confirm(`Delete the assessment “${p.data.title}”? Its deletion is synced to everyone.`)) p.onDelete();
            }}
          >
            Delete
          </button>
        </div>
      </section>
      <section className="section">
        <MediaPanel parentId={p.id} entityId={p.entityId} of="this assessment" />
      </section>
      <section className="section" aria-labelledby="responses-heading">
        <div className="row between">
          <h2 id="responses-heading">Responses</h2>
          <a className="button" href={href({ name: 'new-response', assessmentId: p.id })} data-testid="new-response">
            Add response
          </a>
        </div>
        {p.responses.length === 0 ? (
          <p className="empty">No responses yet.</p>
        ) : (
          <ul className="list">
            {p.responses.map((r) => (
              <li key={r.id} data-testid="response-item" data-response-id={r.id} style={{ padding: '0.5rem 0' }}>
                <div className="row between">
                  <span>
                    <span className="title">{r.data.respondent}</span>
                    {r.data.notes && (
                      <>
                        <br />
                        <span className="muted">{r.data.notes}</span>
                      </>
                    )}
                  </span>
                  <span className="row">
                    <RecordBadge status={r.status} />
                    <a className="button secondary small" href={href({ name: 'edit-response', responseId: r.id })} aria-label={`Edit response of ${r.data.respondent}`}>
                      Edit
                    </a>
                    <button
                      type="button"
                      className="danger secondary small"
                      aria-label={`Delete response of ${r.data.respondent}`}
                      onClick={() => {
                        if (p.confirm(`Delete the response of ${r.data.respondent}?`)) p.onDeleteResponse(r.id);
                      }}
                    >
                      Delete
                    </button>
                  </span>
                </div>
                <MediaPanel parentId={r.id} entityId={p.entityId} of={`the response of ${r.data.respondent}`} headingLevel={3} />
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
