// Two versions of a record side by side, the fields that differ highlighted (and marked in text,
// not only by colour).
import { compareSides } from '../diff';

export interface Side {
  readonly label: string;
  readonly detail: string;
  readonly data: Record<string, unknown>;
  readonly deleted: boolean;
}

export function SideBySide({ winner, loser }: { readonly winner: Side; readonly loser: Side }) {
  const rows = compareSides(winner, loser);
  const column = (side: Side, pick: 'winner' | 'loser') => (
    <div className={`side ${pick}`} data-testid={`conflict-${pick}`}>
      <h4>{side.label}</h4>
      <p className="muted" style={{ fontSize: '0.8rem', margin: 0 }}>
        {side.detail}
      </p>
      <dl>
        {rows.map((r) => (
          <div key={r.field}>
            <dt>
              {r.field}
              {r.differs && <span className="visually-hidden"> (differs)</span>}
            </dt>
            <dd className={r.differs ? 'diff' : undefined} data-differs={r.differs || undefined}>
              {r[pick]}
            </dd>
          </div>
        ))}
      </dl>
    </div>
  );
  return (
    <div className="compare">
      {column(winner, 'winner')}
      {column(loser, 'loser')}
    </div>
  );
}
