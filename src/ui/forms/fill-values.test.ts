import { describe, expect, it } from 'vitest';
import type { FormDefinition } from '@/protocol/forms';
import { checkFill, fromAnswers, parseNumber, pendingPhotos, toAnswers, visibleQuestions, withMediaIds } from './fill-values';

const definition: FormDefinition = {
  questions: [
    { id: 'working', type: 'single_choice', label: 'Working?', required: true, choices: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] },
    { id: 'faults', type: 'multiple_choice', label: 'Faults', required: true, showIf: { questionId: 'working', equals: 'no' }, choices: [{ value: 'pump', label: 'Pump' }] },
    { id: 'chlorine', type: 'number', label: 'Chlorine', min: 0, max: 5 },
    { id: 'where', type: 'location', label: 'Where' },
    { id: 'notes', type: 'text', label: 'Notes' },
  ],
};

describe('form answers from what was typed', () => {
  it('shows a show-if question only while its condition holds', () => {
    expect(visibleQuestions(definition, { working: 'yes' }).map((q) => q.id)).not.toContain('faults');
    expect(visibleQuestions(definition, { working: 'no' }).map((q) => q.id)).toContain('faults');
  });

  it('neither checks nor saves a hidden question', () => {
    const values = { working: 'yes', faults: ['pump'] };
    expect(toAnswers(definition, values)).toEqual({ working: 'yes' });
    expect(checkFill(definition, { working: 'yes' })).toEqual({ ok: true, answers: { working: 'yes' } });
  });

  it('makes a shown required question block the save, naming it', () => {
    const r = checkFill(definition, { working: 'no' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map((p) => [p.questionId, p.code])).toEqual([['faults', 'required']]);
  });

  it('reads numbers with a decimal comma and refuses text that is no number', () => {
    expect(parseNumber('0,5')).toBe(0.5);
    expect(parseNumber('1e2')).toBe(100);
    expect(parseNumber('12abc')).toBeNaN();
    expect(toAnswers(definition, { chlorine: '0,5' })).toEqual({ chlorine: 0.5 });
    const r = checkFill(definition, { working: 'yes', chlorine: 'lots' });
    expect(!r.ok && r.problems[0]).toMatchObject({ questionId: 'chlorine', code: 'type' });
  });

  it('saves a location with its accuracy, and drops blank answers', () => {
    const values = { working: 'yes', where: { latitude: '12.5', longitude: '-3.25', accuracy: 8 }, notes: '  ' };
    expect(toAnswers(definition, values)).toEqual({ working: 'yes', where: { latitude: 12.5, longitude: -3.25, accuracy: 8 } });
  });

  it('turns saved answers back into the inputs they came from', () => {
    const answers = { working: 'no', faults: ['pump'], chlorine: 0.5, where: { latitude: 1, longitude: 2 } };
    expect(toAnswers(definition, fromAnswers(definition, answers))).toEqual(answers);
  });

  it('checks a photo not saved yet by its stand-in id, then saves the media record id in its place', () => {
    const photoForm: FormDefinition = { questions: [{ id: 'pics', type: 'photo', label: 'Photos', required: true, minCount: 1 }] };
    const stand = '0193a000-0000-7000-8000-0000000000aa';
    const values = { pics: [{ pendingId: stand, file: new Blob(['x']), name: 'a.jpg' }] };
    const r = checkFill(photoForm, values);
    expect(r).toEqual({ ok: true, answers: { pics: [stand] } });
    expect(pendingPhotos(photoForm, values).map((p) => p.name)).toEqual(['a.jpg']);
    const real = '0193a000-0000-7000-8000-0000000000bb';
    expect(withMediaIds({ pics: [stand], n: 1 }, new Map([[stand, real]]))).toEqual({ pics: [real], n: 1 });
  });
});
