import { describe, expect, it } from 'vitest';
import { type EditorState, editorState, step, toDefinition } from './editor-state';

const empty: EditorState = editorState(null);

function build(): EditorState {
  let s = step(empty, { kind: 'add', type: 'single_choice' });
  s = step(s, { kind: 'update', index: 0, patch: { id: 'working', label: 'Working?' } });
  s = step(s, { kind: 'choice-update', index: 0, choice: 0, patch: { value: 'yes', label: 'Yes' } });
  s = step(s, { kind: 'choice-add', index: 0 });
  s = step(s, { kind: 'choice-update', index: 0, choice: 1, patch: { value: 'no', label: 'No' } });
  s = step(s, { kind: 'add', type: 'text' });
  s = step(s, { kind: 'update', index: 1, patch: { id: 'why', label: 'Why not?', required: true, showIf: { questionId: 'working', equals: 'no' } } });
  return s;
}

describe('the form editor', () => {
  it('builds the definition the server checks, with choices and show-if', () => {
    const r = toDefinition(build().questions);
    expect(r).toEqual({
      ok: true,
      definition: {
        questions: [
          { id: 'working', type: 'single_choice', label: 'Working?', choices: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] },
          { id: 'why', type: 'text', label: 'Why not?', required: true, showIf: { questionId: 'working', equals: 'no' } },
        ],
      },
    });
  });

  it('names the question whose show-if would point at a later one after a move', () => {
    const s = step(build(), { kind: 'move', index: 1, by: -1 });
    expect(s.questions.map((q) => q.id)).toEqual(['why', 'working']);
    const r = toDefinition(s.questions);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toMatchObject({ index: 0, field: 'showIf.questionId' });
  });

  it('does not move past either end', () => {
    const s = build();
    expect(step(s, { kind: 'move', index: 0, by: -1 })).toBe(s);
    expect(step(s, { kind: 'move', index: 1, by: 1 })).toBe(s);
  });

  it('drops a show-if naming a removed question', () => {
    const s = step(build(), { kind: 'remove', index: 0 });
    expect(s.questions[0]?.showIf).toBeNull();
  });

  it('refuses a question without a label before publishing', () => {
    const s = step(empty, { kind: 'add', type: 'number' });
    const r = toDefinition(s.questions);
    expect(!r.ok && r.problem).toMatchObject({ index: 0, field: 'label' });
  });

  it('opens a published version and gives back the same definition', () => {
    const definition = toDefinition(build().questions);
    if (!definition.ok) throw new Error('setup');
    const form = { id: '0193a000-0000-7000-8000-00000000f001', version: 2, title: 'T', entityIds: null, definition: definition.definition, publishedAt: '' };
    expect(toDefinition(editorState(form).questions)).toEqual(definition);
  });

  it('keeps the options it has no field for when publishing the next version', () => {
    const form = {
      id: '0193a000-0000-7000-8000-00000000f001', version: 1, title: 'T', entityIds: null, publishedAt: '',
      definition: {
        questions: [
          { id: 'day', type: 'date' as const, label: 'Day', min: '2020-01-01' },
          { id: 'pics', type: 'photo' as const, label: 'Photos', minCount: 1, maxCount: 4 },
          { id: 'needs', type: 'multiple_choice' as const, label: 'Needs', minSelected: 1, choices: [{ value: 'food', label: 'Food' }] },
        ],
      },
    };
    expect(toDefinition(editorState(form).questions)).toEqual({ ok: true, definition: form.definition });
  });
});
