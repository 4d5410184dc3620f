// The entities (camps, clinics) assigned to the user, each with how many assessments it holds.
import type { Entity } from '@/protocol/pull';
import { href } from '../routes';

export interface EntityListScreenProps {
  /** undefined while loading from the device. */
  readonly entities: readonly Entity[] | undefined;
  readonly assessmentCounts: ReadonlyMap<string, number>;
  readonly neverSynced: boolean;
}

export function EntityListScreen({ entities, assessmentCounts, neverSynced }: EntityListScreenProps) {
  return (
    <section className="section" aria-labelledby="entities-heading">
      <h1 id="entities-heading">Your sites</h1>
      {entities === undefined ? (
        <p className="empty">Loading…</p>
      ) : entities.length === 0 ? (
        <p className="empty">
          {neverSynced ? 'Your sites appear after the first sync. Connect to the network once.' : 'No site is assigned to you. Ask your coordinator.'}
        </p>
      ) : (
        <ul className="list">
          {entities.map((e) => {
            const n = assessmentCounts.get(e.id) ?? 0;
            return (
              <li key={e.id}>
                <a className="list-link" href={href({ name: 'entity', entityId: e.id })} data-testid="entity-item" data-entity-id={e.id}>
                  <span>
                    <span className="title">{e.name}</span>
                    <span className="muted"> · {e.kind}</span>
                  </span>
                  <span className="muted">
                    {n} assessment{n === 1 ? '' : 's'} <span aria-hidden="true">›</span>
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
