// One row of an assessment list, always the same height (ROW_HEIGHT) so rows can be placed
// before they are drawn and never push each other: title, when and by whom it was last
// changed, answers, form, and its sync badge. A row still loading keeps its place.
import { useTranslation } from 'react-i18next';
import { RecordBadge } from '../components/record-badge';
import type { ListRow } from '../hooks/use-list-query';
import { href } from '../routes';

/** Pixels; matches .vlist-row in global.css. */
export const ROW_HEIGHT = 76;

/** A short date and time, with the year only when it is not this year's. */
function rowDate(language: string, at: number): string {
  const thisYear = new Date(at).getFullYear() === new Date().getFullYear();
  return new Intl.DateTimeFormat(language, { ...(thisYear ? {} : { year: 'numeric' }), month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' }).format(at);
}

export function AssessmentListRow({ row }: { readonly row: ListRow | undefined }) {
  const { t, i18n } = useTranslation('lists');
  if (!row) return <span className="vlist-placeholder muted">{t('assessments.loadingRow')}</span>;
  const date = row.updatedAt === null ? null : rowDate(i18n.language, row.updatedAt);
  const by = row.author.kind === 'you' ? t('row.byYou') : row.author.kind === 'named' ? t('row.byName', { name: row.author.name }) : t('row.byOther');
  return (
    <a className="list-link vlist-link" href={href({ name: 'assessment', assessmentId: row.id })} data-testid="assessment-item" data-record-id={row.id} data-status={row.status}>
      <span className="vlist-text">
        <span className="title" dir="auto">
          {row.title || t('assessments.untitled')}
        </span>
        <span className="muted vlist-meta">
          {/* The author first: on a phone the end of this line is cut off. */}
          <span data-testid="row-author" data-author={row.author.kind} dir="auto">
            {by}
          </span>
          {date && <span data-testid="row-updated"> · {t('row.updated', { date })}</span>}
          <span> · {t('assessments.answers', { count: row.answers })}</span>
          {row.formTitle && (
            <span dir="auto">
              {' · '}
              {t('row.form', { title: row.formTitle })}
            </span>
          )}
        </span>
      </span>
      <RecordBadge status={row.status} />
    </a>
  );
}
