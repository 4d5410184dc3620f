// The entities (camps, clinics) assigned to the user, each with how many assessments it holds
// and how many of its records have work not yet on the server.
import { useTranslation } from 'react-i18next';
import type { Entity } from '@/protocol/pull';
import { href } from '../routes';

export interface EntityListScreenProps {
  /** undefined while loading from the device. */
  readonly entities: readonly Entity[] | undefined;
  readonly assessmentCounts: ReadonlyMap<string, number>;
  /** Records with unsynced work, per entity (absent: none). */
  readonly unsyncedCounts?: ReadonlyMap<string, number> | undefined;
  readonly neverSynced: boolean;
}

export function EntityListScreen({ entities, assessmentCounts, unsyncedCounts, neverSynced }: EntityListScreenProps) {
  const { t } = useTranslation('lists');
  const { t: tc } = useTranslation('common');
  return (
    <section className="section" aria-labelledby="entities-heading">
      <h1 id="entities-heading">{t('sites.heading')}</h1>
      {entities === undefined ? (
        <p className="empty">{tc('loading')}</p>
      ) : entities.length === 0 ? (
        <p className="empty">{neverSynced ? t('sites.neverSynced') : t('sites.noneAssigned')}</p>
      ) : (
        <ul className="list">
          {entities.map((e) => {
            const n = assessmentCounts.get(e.id) ?? 0;
            const unsynced = unsyncedCounts?.get(e.id) ?? 0;
            return (
              <li key={e.id}>
                <a className="list-link" href={href({ name: 'entity', entityId: e.id })} data-testid="entity-item" data-entity-id={e.id}>
                  <span>
                    <span className="title" dir="auto">
                      {e.name}
                    </span>
                    <span className="muted" dir="auto">
                      {' '}
                      · {e.kind}
                    </span>
                  </span>
                  <span className="muted site-counts">
                    {unsynced > 0 && (
                      <span className="badge pending" data-testid="site-unsynced" data-count={unsynced}>
                        {t('sites.unsynced', { count: unsynced })}
                      </span>
                    )}{' '}
                    <span data-testid="site-assessments">{t('sites.assessments', { count: n })}</span> <span aria-hidden="true">›</span>
                  </span>
                </a>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
