import { describe, expect, it } from 'vitest';
import { asAssessment, LIMITS, validateAssessment, validateResponse } from './forms';

describe('assessment form checks', () => {
  it('refuses a missing title and saves nothing', () => {
    const r = validateAssessment({ title: '   ', answers: [] });
    expect(r).toEqual({ ok: false, errors: { title: 'Give the assessment a title.' } });
  });

  it('refuses an answer without its question, naming the row', () => {
    const r = validateAssessment({ title: 'Water', answers: [{ question: 'Wells', answer: '3' }, { question: '', answer: 'dry' }] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.errors)).toEqual(['answers.1.question']);
  });

  it('refuses a title over the limit', () => {
    const r = validateAssessment({ title: 'x'.repeat(LIMITS.title + 1), answers: [] });
    expect(r.ok).toBe(false);
  });

  it('trims the fields and drops rows left empty', () => {
    const r = validateAssessment({ title: ' Water ', answers: [{ question: ' Wells ', answer: ' 3 ' }, { question: '', answer: '' }] });
    expect(r).toEqual({ ok: true, data: { title: 'Water', answers: [{ question: 'Wells', answer: '3' }] } });
  });
});

describe('response form checks', () => {
  it('needs a respondent', () => {
    const r = validateResponse({ assessmentId: 'a', respondent: ' ', notes: 'x' });
    expect(r.ok).toBe(false);
  });

  it('accepts a respondent with notes', () => {
    expect(validateResponse({ assessmentId: 'a', respondent: 'Household 12', notes: '' })).toEqual({
      ok: true,
      data: { assessmentId: 'a', respondent: 'Household 12', notes: '' },
    });
  });
});

describe('limits counted in characters', () => {
  it('takes a title of 200 emoji, which is 400 UTF-16 units', () => {
    const title = '🌊'.repeat(LIMITS.title);
    expect(title.length).toBe(2 * LIMITS.title);
    expect(validateAssessment({ title, answers: [] }).ok).toBe(true);
    expect(validateAssessment({ title: title + '🌊', answers: [] })).toEqual({ ok: false, errors: { title: 'At most 200 characters.' } });
  });

  it('counts a respondent in characters too', () => {
    expect(validateResponse({ assessmentId: 'a', respondent: '👪'.repeat(LIMITS.respondent), notes: '' }).ok).toBe(true);
  });

  it('says its messages in the words it is given', () => {
    const r = validateResponse({ assessmentId: 'a', respondent: '', notes: '' }, (m) => `fr:${m}`);
    expect(r).toEqual({ ok: false, errors: { respondent: 'fr:needRespondent' } });
  });
});

describe('reading records written by other clients', () => {
  it('keeps what it understands and ignores the rest', () => {
    expect(asAssessment({ title: 7, answers: [{ question: 'q', answer: 4 }, 'junk', null] })).toEqual({
      title: '',
      answers: [{ question: 'q', answer: '4' }],
    });
  });
});
