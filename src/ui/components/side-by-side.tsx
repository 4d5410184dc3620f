'use client';
// Two versions of a record side by side, the fields that differ highlighted (and marked in text,
// not only by colour). Fields carry readable labels: form questions by their label, built-in
// fields by name (conflict-labels.ts); values are what people typed, so they get dir="auto".
import { useTranslation } from 'react-i18next';
import { compareSides, type DiffContext } from '../diff';
import { fieldLabel } from '../views/conflict-labels';

export interface Side {
  readonly label: string;
  readonly detail: string;
  readonly data: Record<string, unknown>;
  readonly deleted: boolean;
}

export function SideBySide({ winner, loser, context }: { readonly winner: Side; readonly loser: Side; readonly context?: DiffContext }) {
  const { t } = useTranslation('conflicts');
  const rows = compareSides(winner, loser, context);
  const value = (field: string, v: string) => (field === 'deleted' ? (v === 'yes' ? t('yes') : t('no')) : v);
  const column = (side: Side, pick: 'winner' | 'loser') => (
    <div className={`side ${pick}`} data-testid={`conflict-${pick}`}>
      <h4>{side.label}</h4>
      <p className="muted" style={{ fontSize: '0.8rem', margin: 0 }}>
        {side.detail}
      </p>
      <dl>
        {rows.map((r) => (
          <div key={r.field}>
            <dt dir={r.question !== undefined ? 'auto' : undefined}>
              {fieldLabel(t, r)}
              {r.differs && <span className="visually-hidden"> {t('differs')}</span>}
            </dt>
            <dd className={r.differs ? 'diff' : undefined} data-differs={r.differs || undefined} dir="auto">
              {value(r.field, r[pick])}
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
