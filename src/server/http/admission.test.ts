import { describe, expect, it } from 'vitest';
import { Admission } from './admission';

const limits = { maxInFlight: 3, maxInFlightPerUser: 2, bodyMemoryBytes: 1000 };

describe('Admission', () => {
  it('admits up to maxInFlight requests and one more once a slot is released', () => {
    const a = new Admission(limits);
    const tickets = [a.admit(0), a.admit(0), a.admit(0)];
    expect(tickets.every((t) => t !== null)).toBe(true);
    expect(a.admit(0)).toBeNull();
    tickets[0]!.release();
    tickets[0]!.release();
    expect(a.usage().inFlight).toBe(2);
    expect(a.admit(0)).not.toBeNull();
  });

  it('refuses a request whose bytes would take the reserved body memory past the budget', () => {
    const a = new Admission(limits);
    const big = a.admit(800)!;
    expect(a.admit(300)).toBeNull();
    expect(a.admit(200)).not.toBeNull();
    big.release();
    expect(a.usage().reservedBytes).toBe(200);
    expect(a.admit(800)).not.toBeNull();
  });

  it('admits a body larger than the whole budget only when no other body is held', () => {
    const a = new Admission(limits);
    const huge = a.admit(5000);
    expect(huge).not.toBeNull();
    expect(a.admit(1)).toBeNull();
    expect(a.admit(0)).not.toBeNull();
    huge!.release();
    expect(a.admit(5000)).not.toBeNull();
  });

  it('bounds the requests of one user, not of another, and frees the user slot on release', () => {
    const a = new Admission({ ...limits, maxInFlight: 10 });
    const t1 = a.admit(0)!;
    const t2 = a.admit(0)!;
    expect(t1.joinUser('ana')).toBe(true);
    expect(t2.joinUser('ana')).toBe(true);
    const t3 = a.admit(0)!;
    expect(t3.joinUser('ana')).toBe(false);
    // The refused ticket gave its instance slot back.
    expect(a.usage().inFlight).toBe(2);
    expect(a.admit(0)!.joinUser('ben')).toBe(true);
    t1.release();
    expect(a.admit(0)!.joinUser('ana')).toBe(true);
  });

  it('forgets a user once none of their requests is in flight', () => {
    const a = new Admission(limits);
    const t = a.admit(10)!;
    t.joinUser('ana');
    t.release();
    expect(a.usage()).toEqual({ inFlight: 0, reservedBytes: 0, users: 0 });
  });

  it('grows a ticket\'s bytes within the budget, and gives them all back on release', () => {
    const a = new Admission(limits);
    const t = a.admit(100)!;
    expect(t.grow(500)).toBe(true);
    expect(a.usage().reservedBytes).toBe(600);
    const other = a.admit(300)!;
    expect(t.grow(200)).toBe(false);
    expect(t.grow(100)).toBe(true);
    other.release();
    // Alone, it may go past the budget, as a single large body may.
    expect(t.grow(5000)).toBe(true);
    t.release();
    expect(a.usage().reservedBytes).toBe(0);
  });
});
