import { describe, expect, it } from 'vitest';
import { FormDefinitionSchema } from '@/protocol/forms';
import { editorState, step, toDefinition } from './editor-state';
import { showIfFor, showIfFromProtocol, showIfValues, toggleShowIfValue } from './show-if-edit';

const source = { id: 'source', type: 'single_choice', choices: [{ value: 'well' }, { value: 'tap' }, { value: 'river' }] };

describe('a show-if in the form editor', () => {
  it('keeps every value of a published "in" condition when opened', () => {
    const s = showIfFromProtocol({ questionId: 'source', in: ['tap', 'river'] });
    expect(s).toEqual({ questionId: 'source', in: ['tap', 'river'] });
    expect(showIfValues(s)).toEqual(['tap', 'river']);
  });

  it('opens "equals" and "answered" conditions as they were', () => {
    expect(showIfFromProtocol({ questionId: 'source', equals: 'well' })).toEqual({ questionId: 'source', equals: 'well' });
    expect(showIfFromProtocol({ questionId: 'notes', answered: true })).toEqual({ questionId: 'notes', answered: true });
    expect(showIfFromProtocol(undefined)).toBeNull();
  });

  it('lets the coordinator tick several values, kept in the choices’ order', () => {
    let s = showIfFor(source)!;
    expect(s).toEqual({ questionId: 'source', equals: 'well' });
    s = toggleShowIfValue(s, source, 'river', true);
    s = toggleShowIfValue(s, source, 'tap', true);
    expect(s).toEqual({ questionId: 'source', in: ['well', 'tap', 'river'] });
    s = toggleShowIfValue(s, source, 'well', false);
    expect(s).toEqual({ questionId: 'source', in: ['tap', 'river'] });
  });

  it('writes one remaining value as "equals" and never drops the last one', () => {
    let s = toggleShowIfValue({ questionId: 'source', in: ['tap', 'river'] }, source, 'tap', false);
    expect(s).toEqual({ questionId: 'source', equals: 'river' });
    s = toggleShowIfValue(s, source, 'river', false);
    expect(s).toEqual({ questionId: 'source', equals: 'river' });
  });

  it('starts a condition on a choice at its first value, and on any other question at "is answered"', () => {
    expect(showIfFor({ id: 'count', type: 'number', choices: [] })).toEqual({ questionId: 'count', answered: true });
    expect(showIfFor(undefined)).toBeNull();
  });

  it('gives conditions the published format accepts', () => {
    const definition = {
      questions: [
        { id: 'source', type: 'single_choice', label: 'Source', choices: source.choices.map((c) => ({ ...c, label: c.value })) },
        { id: 'why', type: 'text', label: 'Why?', showIf: toggleShowIfValue(showIfFor(source)!, source, 'tap', true) },
      ],
    };
    expect(FormDefinitionSchema.safeParse(definition).success).toBe(true);
  });
});

describe('a show-if with several values in the editor state', () => {
  const choices = [{ value: 'well', label: 'Well' }, { value: 'tap', label: 'Tap' }, { value: 'river', label: 'River' }];
  const form = {
    id: '0193a000-0000-7000-8000-00000000f001', version: 1, title: 'Water point', entityIds: null, publishedAt: '',
    definition: {
      questions: [
        { id: 'source', type: 'single_choice' as const, label: 'Source', choices },
        { id: 'treated', type: 'text' as const, label: 'Treated how?', showIf: { questionId: 'source', in: ['tap', 'river'] } },
      ],
    },
  };

  it('opens a published "in" condition and publishes it again with all its values', () => {
    const s = editorState(form);
    expect(s.questions[1]?.showIf).toEqual({ questionId: 'source', in: ['tap', 'river'] });
    expect(toDefinition(s.questions)).toEqual({ ok: true, definition: form.definition });
  });

  it('keeps every value ticked while the question is edited', () => {
    let s = editorState(form);
    const target = { id: 'source', type: 'single_choice', choices };
    s = step(s, { kind: 'update', index: 1, patch: { showIf: toggleShowIfValue(s.questions[1]!.showIf!, target, 'well', true) } });
    s = step(s, { kind: 'update', index: 1, patch: { label: 'How is it treated?' } });
    const r = toDefinition(s.questions);
    expect(r.ok && r.definition.questions[1]?.showIf).toEqual({ questionId: 'source', in: ['well', 'tap', 'river'] });
  });
});
