// A form problem (core/form-validate.ts) as a sentence in the user's language, with the bound
// the question sets. Pure: the caller passes t.
import type { TFunction } from 'i18next';
import type { FormProblem, Question } from '@/protocol/forms';

export function problemText(q: Question, p: FormProblem, t: TFunction<'forms'>, lang: string): string {
  const n = (v: number) => new Intl.NumberFormat(lang).format(v);
  const d = (v: string) => new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${v}T00:00:00Z`));
  switch (p.code) {
    case 'required':
      return t('problem.required');
    case 'too_long':
      return t('problem.tooLong', { max: n(q.type === 'text' ? (q.maxLength ?? 0) : 0) });
    case 'multiline':
      return t('problem.multiline');
    case 'not_integer':
      return t('problem.notInteger');
    case 'too_small':
      if (q.type === 'number' && q.min !== undefined) return t('problem.atLeast', { min: n(q.min) });
      if (q.type === 'date' && q.min !== undefined) return t('problem.onOrAfter', { date: d(q.min) });
      return t('problem.invalid');
    case 'too_large':
      if (q.type === 'number' && q.max !== undefined) return t('problem.atMost', { max: n(q.max) });
      if (q.type === 'date' && q.max !== undefined) return t('problem.onOrBefore', { date: d(q.max) });
      return t('problem.invalid');
    case 'too_few':
      if (q.type === 'multiple_choice') return t('problem.selectAtLeast', { min: n(q.minSelected ?? 1) });
      if (q.type === 'photo') return t('problem.photosAtLeast', { min: n(q.minCount ?? 1) });
      return t('problem.invalid');
    case 'too_many':
      if (q.type === 'multiple_choice') return t('problem.selectAtMost', { max: n(q.maxSelected ?? 0) });
      if (q.type === 'photo') return t('problem.photosAtMost', { max: n(q.maxCount ?? 0) });
      return t('problem.invalid');
    case 'date_format':
      return t('problem.date');
    case 'out_of_range':
      return t('problem.location');
    case 'type':
      return q.type === 'number' ? t('problem.number') : q.type === 'location' ? t('problem.location') : t('problem.invalid');
    case 'unknown_choice':
    case 'duplicate':
    case 'unknown_question':
      return t('problem.invalid');
  }
}
