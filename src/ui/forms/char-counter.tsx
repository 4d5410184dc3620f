'use client';
// "n / max" under a limited field, counted in characters (limits.ts), announced politely so a
// screen reader user hears it without losing their place.
import { useTranslation } from 'react-i18next';
import { counter } from './limits';

export function CharCounter({ id, value, max }: { readonly id: string; readonly value: string; readonly max: number }) {
  const { t, i18n } = useTranslation('forms');
  const c = counter(value, max);
  const fmt = new Intl.NumberFormat(i18n.language);
  return (
    <p id={id} className={c.over ? 'char-counter over' : 'char-counter'} aria-live="polite" data-testid="char-counter">
      {t('counter', { n: fmt.format(c.count), max: fmt.format(c.max) })}
    </p>
  );
}
