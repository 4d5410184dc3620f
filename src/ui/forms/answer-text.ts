// A saved answer as text for reading: choice labels rather than values, numbers and dates in
// the user's language, a location with its accuracy. Pure: the caller passes t.
import type { TFunction } from 'i18next';
import type { Question } from '@/protocol/forms';

export function answerText(q: Question, a: unknown, t: TFunction<'forms'>, lang: string): string {
  const n = (v: number, digits = 6) => new Intl.NumberFormat(lang, { maximumFractionDigits: digits }).format(v);
  const label = (v: unknown) => (q.type === 'single_choice' || q.type === 'multiple_choice' ? (q.choices.find((c) => c.value === v)?.label ?? String(v)) : String(v));
  if (a === undefined || a === null) return '—';
  switch (q.type) {
    case 'number':
      return typeof a === 'number' ? (q.unit ? `${n(a)} ${q.unit}` : n(a)) : String(a);
    case 'date':
      return typeof a === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(a)
        ? new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${a}T00:00:00Z`))
        : String(a);
    case 'single_choice':
      return label(a);
    case 'multiple_choice':
      return Array.isArray(a) ? new Intl.ListFormat(lang, { type: 'conjunction' }).format(a.map(label)) : String(a);
    case 'location': {
      if (typeof a !== 'object' || Array.isArray(a)) return String(a);
      const l = a as Record<string, unknown>;
      const where = `${n(Number(l.latitude))}, ${n(Number(l.longitude))}`;
      return typeof l.accuracy === 'number' ? `${where} (${t('location.accuracy', { metres: n(l.accuracy, 0) })})` : where;
    }
    case 'photo':
      return Array.isArray(a) ? t('answers.photos', { count: a.length }) : String(a);
    case 'text':
      return typeof a === 'string' ? a : JSON.stringify(a);
  }
}
