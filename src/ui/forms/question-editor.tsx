'use client';
// One question in the form editor: its key, label, type, help, required, choices, show-if and
// the options of its type, with move up, move down and remove.
import { useTranslation } from 'react-i18next';
import { QUESTION_TYPES, type QuestionType } from '@/protocol/forms';
import type { EditorAction, EditorQuestion } from './editor-state';
import { num } from './num';
import { showIfFor, showIfValues, toggleShowIfValue } from './show-if-edit';

export interface QuestionEditorProps {
  readonly index: number;
  readonly count: number;
  readonly question: EditorQuestion;
  /** The questions before this one: a show-if may name only those. */
  readonly earlier: readonly EditorQuestion[];
  readonly dispatch: (a: EditorAction) => void;
  readonly problem: string | undefined;
}

export function QuestionEditor({ index, count, question: q, earlier, dispatch, problem }: QuestionEditorProps) {
  const { t, i18n } = useTranslation('forms');
  const id = `eq-${index}`;
  const update = (patch: Partial<EditorQuestion>) => dispatch({ kind: 'update', index, patch });
  const target = q.showIf ? earlier.find((e) => e.id === q.showIf?.questionId) : undefined;
  const targetIsChoice = target?.type === 'single_choice' || target?.type === 'multiple_choice';
  const hasChoices = q.type === 'single_choice' || q.type === 'multiple_choice';
  const showIf = q.showIf;
  const ticked = showIfValues(showIf);

  return (
    <li className="question-editor" data-testid="editor-question" data-index={index} data-question-id={q.id}>
      <fieldset>
        <legend>{t('editor.questionN', { n: num(i18n.language, index + 1) })}</legend>
        <div className="row">
          <div className="field">
            <label htmlFor={`${id}-label`}>{t('editor.label')}</label>
            <input id={`${id}-label`} data-testid="q-label" dir="auto" value={q.label} onChange={(e) => update({ label: e.target.value })} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-id`}>{t('editor.key')}</label>
            <input id={`${id}-id`} data-testid="q-id" dir="ltr" value={q.id} onChange={(e) => update({ id: e.target.value })} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-type`}>{t('editor.type')}</label>
            <select id={`${id}-type`} data-testid="q-type" value={q.type} onChange={(e) => update({ type: e.target.value as QuestionType })}>
              {QUESTION_TYPES.map((ty) => (
                <option key={ty} value={ty}>
                  {t(`types.${ty}`)}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div className="field">
          <label htmlFor={`${id}-help`}>{t('editor.help')}</label>
          <input id={`${id}-help`} dir="auto" value={q.help} onChange={(e) => update({ help: e.target.value })} />
        </div>
        <label className="choice">
          <input type="checkbox" data-testid="q-required" checked={q.required} onChange={(e) => update({ required: e.target.checked })} />
          {t('editor.required')}
        </label>
        {q.type === 'text' && (
          <div className="row">
            <div className="field">
              <label htmlFor={`${id}-maxlen`}>{t('editor.maxLength')}</label>
              <input id={`${id}-maxlen`} inputMode="numeric" dir="ltr" value={q.maxLength} onChange={(e) => update({ maxLength: e.target.value })} />
            </div>
            <label className="choice">
              <input type="checkbox" checked={q.multiline} onChange={(e) => update({ multiline: e.target.checked })} />
              {t('editor.multiline')}
            </label>
          </div>
        )}
        {q.type === 'number' && (
          <div className="row">
            <div className="field">
              <label htmlFor={`${id}-min`}>{t('editor.min')}</label>
              <input id={`${id}-min`} inputMode="decimal" dir="ltr" value={q.min} onChange={(e) => update({ min: e.target.value })} />
            </div>
            <div className="field">
              <label htmlFor={`${id}-max`}>{t('editor.max')}</label>
              <input id={`${id}-max`} inputMode="decimal" dir="ltr" value={q.max} onChange={(e) => update({ max: e.target.value })} />
            </div>
            <div className="field">
              <label htmlFor={`${id}-unit`}>{t('editor.unit')}</label>
              <input id={`${id}-unit`} dir="auto" value={q.unit} onChange={(e) => update({ unit: e.target.value })} />
            </div>
            <label className="choice">
              <input type="checkbox" checked={q.integer} onChange={(e) => update({ integer: e.target.checked })} />
              {t('editor.integer')}
            </label>
          </div>
        )}
        {hasChoices && (
          <fieldset className="choices-editor">
            <legend>{t('editor.choices')}</legend>
            {q.choices.map((c, j) => (
              <div className="row" key={j} data-testid="choice-row">
                <div className="field">
                  <label htmlFor={`${id}-c${j}-label`}>{t('editor.choiceLabel', { n: num(i18n.language, j + 1) })}</label>
                  <input id={`${id}-c${j}-label`} data-testid="choice-label" dir="auto" value={c.label} onChange={(e) => dispatch({ kind: 'choice-update', index, choice: j, patch: { label: e.target.value } })} />
                </div>
                <div className="field">
                  <label htmlFor={`${id}-c${j}-value`}>{t('editor.choiceValue', { n: num(i18n.language, j + 1) })}</label>
                  <input id={`${id}-c${j}-value`} data-testid="choice-value" dir="ltr" value={c.value} onChange={(e) => dispatch({ kind: 'choice-update', index, choice: j, patch: { value: e.target.value } })} />
                </div>
                {q.choices.length > 1 && (
                  <button type="button" className="secondary small" onClick={() => dispatch({ kind: 'choice-remove', index, choice: j })}>
                    {t('editor.removeChoice', { n: num(i18n.language, j + 1) })}
                  </button>
                )}
              </div>
            ))}
            <button type="button" className="secondary small" data-testid="add-choice" onClick={() => dispatch({ kind: 'choice-add', index })}>
              {t('editor.addChoice')}
            </button>
          </fieldset>
        )}
        {earlier.length > 0 && (
          <div className="row">
            <div className="field">
              <label htmlFor={`${id}-showif`}>{t('editor.showIf')}</label>
              <select
                id={`${id}-showif`}
                data-testid="showif-question"
                value={q.showIf?.questionId ?? ''}
                onChange={(e) => update({ showIf: showIfFor(earlier.find((x) => x.id === e.target.value)) })}
              >
                <option value="">{t('editor.always')}</option>
                {earlier.map((e) => (
                  <option key={e.id} value={e.id}>
                    {e.label || e.id}
                  </option>
                ))}
              </select>
            </div>
            {showIf && targetIsChoice && target && (
              // Several values may be ticked: the question shows when the answer is any of them.
              <fieldset className="showif-values" data-testid="showif-values">
                <legend>{t('editor.showIfEquals')}</legend>
                {target.choices.map((c) => {
                  const checked = ticked.includes(c.value);
                  return (
                    <label className="choice" key={c.value}>
                      <input
                        type="checkbox"
                        data-testid="showif-value"
                        value={c.value}
                        checked={checked}
                        // A condition on a choice needs one value at least: the last one stays ticked.
                        disabled={checked && ticked.length === 1}
                        onChange={(e) => update({ showIf: toggleShowIfValue(showIf, target, c.value, e.target.checked) })}
                      />
                      <span dir="auto">{c.label || c.value}</span>
                    </label>
                  );
                })}
              </fieldset>
            )}
            {q.showIf && !targetIsChoice && <p className="hint">{t('editor.showIfAnswered')}</p>}
          </div>
        )}
        {problem && (
          <p className="field-error" role="alert" data-testid="editor-problem">
            {problem}
          </p>
        )}
        <div className="row">
          <button type="button" className="secondary small" data-testid="move-up" disabled={index === 0} onClick={() => dispatch({ kind: 'move', index, by: -1 })}>
            {t('editor.moveUp')}
          </button>
          <button type="button" className="secondary small" data-testid="move-down" disabled={index === count - 1} onClick={() => dispatch({ kind: 'move', index, by: 1 })}>
            {t('editor.moveDown')}
          </button>
          <button type="button" className="danger secondary small" data-testid="remove-question" onClick={() => dispatch({ kind: 'remove', index })}>
            {t('editor.remove')}
          </button>
        </div>
      </fieldset>
    </li>
  );
}
