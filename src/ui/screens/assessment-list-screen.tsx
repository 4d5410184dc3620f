// The assessments of one entity: search, filter and order, each row with its date, author and
// sync badge (src/ui/lists/assessment-list.tsx); and "new assessment".
import { useTranslation } from 'react-i18next';
import type { Entity } from '@/protocol/pull';
import { AssessmentList } from '../lists/assessment-list';
import type { RecordSyncStatus } from '../record-status';
import { href } from '../routes';

/** An assessment with its counts and sync state (the shape use-device-data's useAssessmentRows gives). */
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
}

export function AssessmentListScreen({ entity, entityId }: AssessmentListScreenProps) {
  const { t } = useTranslation('lists');
  return (
    <section className="section" aria-labelledby="assessments-heading">
      <nav className="breadcrumb" aria-label={t('assessments.breadcrumb')}>
        <a href={href({ name: 'entities' })}>{t('sites.heading')}</a> › <span dir="auto">{entity?.name ?? '…'}</span>
      </nav>
      <div className="row between">
        <h1 id="assessments-heading" dir="auto">
          {entity?.name ?? t('assessments.siteFallback')}
        </h1>
        <a className="button" href={href({ name: 'new-assessment', entityId })} data-testid="new-assessment">
          {t('assessments.new')}
        </a>
      </div>
      <AssessmentList key={entityId} entityId={entityId} />
    </section>
  );
}
