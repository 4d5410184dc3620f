'use client';
// One question of a form being filled, with the input its type needs: a number keypad, the
// date picker, large radio and checkbox targets, a location, photos; its problem beside it.
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Question } from '@/protocol/forms';
import { CharCounter } from './char-counter';
import type { FillValue, LocationInput, PhotoItem } from './fill-values';
import { LocationField } from './location-field';
import { PhotoField } from './photo-field';

export interface QuestionFieldProps {
  readonly question: Question;
  readonly value: FillValue | undefined;
  readonly onChange: (v: FillValue) => void;
  readonly error: string | undefined;
}

const str = (v: FillValue | undefined): string => (typeof v === 'string' ? v : '');
const list = (v: FillValue | undefined): readonly string[] => (Array.isArray(v) ? (v as readonly PhotoItem[]).filter((x): x is string => typeof x === 'string') : []);
const photos = (v: FillValue | undefined): readonly PhotoItem[] => (Array.isArray(v) ? (v as readonly PhotoItem[]) : []);
const loc = (v: FillValue | undefined): LocationInput | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as LocationInput) : undefined);

export function QuestionField({ question: q, value, onChange, error }: QuestionFieldProps) {
  const { t, i18n } = useTranslation('forms');
  const id = `q-${q.id}`;
  const errId = `${id}-err`;
  const helpId = `${id}-help`;
  const counterId = `${id}-count`;
  const described = [error ? errId : null, q.help ? helpId : null, q.type === 'text' && q.maxLength ? counterId : null].filter(Boolean).join(' ') || undefined;
  const invalid = error ? true : undefined;
  const grouped = q.type === 'single_choice' || q.type === 'multiple_choice' || q.type === 'location';
  const fmt = new Intl.NumberFormat(i18n.language);

  const label = (
    <>
      <span dir="auto">{q.label}</span>
      {q.required && <span className="required"> {t('fill.required')}</span>}
    </>
  );

  let input: ReactNode;
  switch (q.type) {
    case 'text':
      input = q.multiline ? (
        <textarea id={id} dir="auto" value={str(value)} onChange={(e) => onChange(e.target.value)} aria-invalid={invalid} aria-describedby={described} aria-required={q.required || undefined} />
      ) : (
        <input id={id} type="text" dir="auto" value={str(value)} onChange={(e) => onChange(e.target.value)} aria-invalid={invalid} aria-describedby={described} aria-required={q.required || undefined} />
      );
      break;
    case 'number': {
      const bounds =
        q.min !== undefined && q.max !== undefined ? t('fill.between', { min: fmt.format(q.min), max: fmt.format(q.max) })
        : q.min !== undefined ? t('fill.atLeast', { min: fmt.format(q.min) })
        : q.max !== undefined ? t('fill.atMost', { max: fmt.format(q.max) })
        : null;
      input = (
        <div className="row number-field">
          <input
            id={id}
            type="text"
            inputMode={q.integer ? 'numeric' : 'decimal'}
            dir="ltr"
            value={str(value)}
            onChange={(e) => onChange(e.target.value)}
            aria-invalid={invalid}
            aria-describedby={described}
            aria-required={q.required || undefined}
          />
          {q.unit && <span className="muted" dir="auto">{q.unit}</span>}
          {bounds && <span className="hint">{bounds}</span>}
        </div>
      );
      break;
    }
    case 'date':
      input = (
        <input id={id} type="date" value={str(value)} min={q.min} max={q.max} onChange={(e) => onChange(e.target.value)} aria-invalid={invalid} aria-describedby={described} aria-required={q.required || undefined} />
      );
      break;
    case 'single_choice':
      input = (
        <div className="choices" role="radiogroup" aria-describedby={described}>
          {q.choices.map((c) => (
            <label key={c.value} className="choice">
              <input type="radio" name={id} value={c.value} checked={str(value) === c.value} onChange={() => onChange(c.value)} aria-invalid={invalid} />
              <span dir="auto">{c.label}</span>
            </label>
          ))}
        </div>
      );
      break;
    case 'multiple_choice': {
      const selected = list(value);
      input = (
        <div className="choices" aria-describedby={described}>
          {q.choices.map((c) => (
            <label key={c.value} className="choice">
              <input
                type="checkbox"
                name={id}
                value={c.value}
                checked={selected.includes(c.value)}
                onChange={(e) => onChange(e.target.checked ? [...selected, c.value] : selected.filter((x) => x !== c.value))}
                aria-invalid={invalid}
              />
              <span dir="auto">{c.label}</span>
            </label>
          ))}
        </div>
      );
      break;
    }
    case 'location':
      input = <LocationField id={id} value={loc(value)} onChange={onChange} invalid={invalid === true} describedBy={described} />;
      break;
    case 'photo':
      input = <PhotoField id={id} label={q.label} value={photos(value)} onChange={onChange} describedBy={described} />;
      break;
  }

  const body = (
    <>
      {q.help && (
        <p className="hint" id={helpId} dir="auto">
          {q.help}
        </p>
      )}
      {input}
      {q.type === 'text' && q.maxLength !== undefined && <CharCounter id={counterId} value={str(value)} max={q.maxLength} />}
      {error && (
        <p className="field-error" id={errId} data-testid="question-error">
          {error}
        </p>
      )}
    </>
  );
  return grouped ? (
    <fieldset className="field question" data-testid="question" data-question-id={q.id} data-question-type={q.type}>
      <legend>{label}</legend>
      {body}
    </fieldset>
  ) : (
    <div className="field question" data-testid="question" data-question-id={q.id} data-question-type={q.type}>
      <label htmlFor={id}>{label}</label>
      {body}
    </div>
  );
}
