'use client';
// The form as a field worker will see it, filled for trying out and never saved. Questions
// that break the format are named instead of shown.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type EditorQuestion, toDefinition } from './editor-state';
import { type FillValues, visibleQuestions } from './fill-values';
import { QuestionField } from './question-field';

export function FormPreview({ questions }: { readonly questions: readonly EditorQuestion[] }) {
  const { t } = useTranslation('forms');
  const [values, setValues] = useState<FillValues>({});
  const check = toDefinition(questions);
  return (
    <section className="section preview" aria-labelledby="preview-h" data-testid="form-preview">
      <h2 id="preview-h">{t('editor.previewHeading')}</h2>
      {!check.ok ? (
        <p className="hint">{t('editor.previewBroken')}</p>
      ) : (
        visibleQuestions(check.definition, values).map((q) => (
            <QuestionField
              key={q.id}
              question={q}
              value={Object.hasOwn(values, q.id) ? values[q.id] : undefined}
              onChange={(v) => setValues((old) => ({ ...old, [q.id]: v }))}
              error={undefined}
            />
          ))
      )}
    </section>
  );
}
