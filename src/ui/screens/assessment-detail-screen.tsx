'use client';
// One assessment: its answers (a form's by question label, in the form's order), its sync state,
// edit and delete (delete asks first, saying how many responses go with it), its photos and
// files, and its responses with add, edit and delete, each with photos and files of its own.
import { useTranslation } from 'react-i18next';
import type { Form } from '@/protocol/forms';
import { MediaPanel } from '../components/media-panel';
import { RecordBadge } from '../components/record-badge';
import type { AssessmentData, ResponseData } from '../forms';
import { FormAnswers } from '../forms/form-answers';
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
  /** A form-based assessment's answers and the version they answer (null when not on this device). */
  readonly formAnswers: { readonly form: Form | null; readonly answers: Readonly<Record<string, unknown>> } | null;
  readonly status: RecordSyncStatus;
  readonly responses: readonly ResponseRow[];
  readonly onDelete: () => void;
  readonly onDeleteResponse: (id: string) => void;
  readonly confirm: (question: string) => boolean;
}

export function AssessmentDetailScreen(p: AssessmentDetailProps) {
  const { t } = useTranslation('forms');
  const title = p.data.title || t('detail.untitled');
  const n = p.responses.length;
  return (
    <>
      <section className="section" aria-labelledby="assessment-heading">
        <nav className="breadcrumb" aria-label={t('detail.breadcrumb')}>
          <a href={href({ name: 'entities' })}>{t('detail.sites')}</a> ›{' '}
          <a href={href({ name: 'entity', entityId: p.entityId })} dir="auto">
            {p.entityName ?? t('detail.site')}
          </a>
        </nav>
        <div className="row between">
          <h1 id="assessment-heading" data-testid="assessment-heading" dir="auto">
            {title}
          </h1>
          <RecordBadge status={p.status} />
        </div>
        {p.status === 'lost' && (
          <p className="banner info" role="status" style={{ margin: '0 0 0.75rem' }}>
            {t('detail.lost')} <a href={href({ name: 'conflicts' })}>{t('detail.conflicts')}</a>
          </p>
        )}
        {p.formAnswers ? (
          <FormAnswers form={p.formAnswers.form} answers={p.formAnswers.answers} />
        ) : p.data.answers.length === 0 ? (
          <p className="empty">{t('detail.noAnswers')}</p>
        ) : (
          <dl>
            {p.data.answers.map((a, i) => (
              <div key={i} style={{ marginBottom: '0.6rem' }}>
                <dt className="muted" dir="auto">
                  {a.question}
                </dt>
                <dd style={{ margin: 0, whiteSpace: 'pre-wrap' }} dir="auto">
                  {a.answer || '—'}
                </dd>
              </div>
            ))}
          </dl>
        )}
        <div className="row">
          <a className="button secondary" href={href({ name: 'edit-assessment', assessmentId: p.id })} data-testid="edit-assessment">
            {t('edit')}
          </a>
          <button
            type="button"
            className="danger secondary"
            data-testid="delete-assessment"
            onClick={() => {
              const question = n === 0 ? t('detail.confirmDelete', { title }) : t('detail.confirmDeleteWith', { title, count: n });
              if (p.confirm(question)) p.onDelete();
            }}
          >
            {t('delete')}
          </button>
        </div>
      </section>
      <section className="section">
        <MediaPanel parentId={p.id} entityId={p.entityId} of={t('detail.thisAssessment')} />
      </section>
      <section className="section" aria-labelledby="responses-heading">
        <div className="row between">
          <h2 id="responses-heading">{t('detail.responses')}</h2>
          <a className="button" href={href({ name: 'new-response', assessmentId: p.id })} data-testid="new-response">
            {t('detail.addResponse')}
          </a>
        </div>
        {n === 0 ? (
          <p className="empty">{t('detail.noResponses')}</p>
        ) : (
          <ul className="list">
            {p.responses.map((r) => (
              <li key={r.id} data-testid="response-item" data-response-id={r.id} style={{ padding: '0.5rem 0' }}>
                <div className="row between">
                  <span>
                    <span className="title" dir="auto">
                      {r.data.respondent}
                    </span>
                    {r.data.notes && (
                      <>
                        <br />
                        <span className="muted" dir="auto">
                          {r.data.notes}
                        </span>
                      </>
                    )}
                  </span>
                  <span className="row">
                    <RecordBadge status={r.status} />
                    <a className="button secondary small" href={href({ name: 'edit-response', responseId: r.id })} aria-label={t('detail.editResponse', { who: r.data.respondent })}>
                      {t('edit')}
                    </a>
                    <button
                      type="button"
                      className="danger secondary small"
                      aria-label={t('detail.deleteResponse', { who: r.data.respondent })}
                      onClick={() => {
                        if (p.confirm(t('detail.confirmDeleteResponse', { who: r.data.respondent }))) p.onDeleteResponse(r.id);
                      }}
                    >
                      {t('delete')}
                    </button>
                  </span>
                </div>
                <MediaPanel parentId={r.id} entityId={p.entityId} of={t('detail.responseOf', { who: r.data.respondent })} headingLevel={3} />
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
