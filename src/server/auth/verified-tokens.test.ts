import { describe, expect, it } from 'vitest';
import { VerifiedTokens } from './verified-tokens';

describe('verified tokens', () => {
  it('gives the subject of a token remembered, until its expiry and not from then on', () => {
    const v = new VerifiedTokens();
    v.remember('t1', 'user-1', 10_000);
    expect(v.subject('t1', 9_999)).toBe('user-1');
    expect(v.subject('t1', 10_000)).toBeUndefined();
    expect(v.subject('t1', 5_000)).toBeUndefined(); // forgotten once seen expired
    expect(v.subject('t2', 0)).toBeUndefined();
  });

  it('keeps at most its bound, forgetting the oldest first', () => {
    const v = new VerifiedTokens(2);
    v.remember('a', 'ua', 1e12);
    v.remember('b', 'ub', 1e12);
    v.remember('c', 'uc', 1e12);
    expect([v.subject('a', 0), v.subject('b', 0), v.subject('c', 0)]).toEqual([undefined, 'ub', 'uc']);
  });
});
