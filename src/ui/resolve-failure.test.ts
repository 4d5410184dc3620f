import { describe, expect, it } from 'vitest';
import { resolveFailure } from './resolve-failure';

const call = (status: number | null, code: string | null, message = 'x') => ({ status, code, message });

describe('resolveFailure', () => {
  it('asks for a new sign-in after a 401', () => {
    expect(resolveFailure(call(401, 'UNAUTHORIZED'), 'accept')).toEqual({ kind: 'sign-in' });
  });

  it('reloads the list when someone else resolved the conflict first', () => {
    expect(resolveFailure(call(409, 'ALREADY_RESOLVED'), 'restore_loser').kind).toBe('taken');
  });

  it('keeps the list and says why when the server refuses a restore, pointing to accept', () => {
    const f = resolveFailure(call(404, 'NOT_FOUND', 'the loser cannot be restored: the assessment is deleted'), 'restore_loser');
    expect(f).toEqual({
      kind: 'refused',
      action: 'restore_loser',
      reason: 'The loser cannot be restored: the assessment is deleted.',
    });
  });

  it('a refused accept says only why', () => {
    expect(resolveFailure(call(403, 'FORBIDDEN', 'this entity is not assigned to you.'), 'accept')).toEqual({
      kind: 'refused',
      action: 'accept',
      reason: 'This entity is not assigned to you.',
    });
  });

  it('a refusal without a message has no reason (the view says the server refused)', () => {
    const f = resolveFailure(call(400, null, '  '), 'accept');
    expect(f).toEqual({ kind: 'refused', action: 'accept', reason: null });
  });

  it('an undo the server refuses (the record changed since the restore) keeps its reason', () => {
    expect(resolveFailure(call(409, 'CONFLICT', 'the record changed since the restore'), 'undo_restore')).toEqual({
      kind: 'refused',
      action: 'undo_restore',
      reason: 'The record changed since the restore.',
    });
  });

  it('tells a busy server apart from one that did not answer', () => {
    expect(resolveFailure(call(429, null), 'accept')).toEqual({ kind: 'unreachable', busy: true });
    expect(resolveFailure(call(503, null), 'accept')).toEqual({ kind: 'unreachable', busy: true });
    expect(resolveFailure(call(null, null), 'accept')).toEqual({ kind: 'unreachable', busy: false });
  });

  it.each([
    ['no answer', null],
    ['a server failure', 500],
    ['a gateway failure', 502],
    ['a busy server', 429],
    ['a timeout', 408],
  ])('treats %s as nothing resolved, to try again', (_name, status) => {
    expect(resolveFailure(call(status, null), 'restore_loser').kind).toBe('unreachable');
  });
});
