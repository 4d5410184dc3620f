import { describe, expect, it } from 'vitest';
import { IllegalTransitionError, type SyncEvent, type SyncState, initialSyncState, isSettled, isUnsynced, transition } from './outbox-state';

const send: SyncEvent = { type: 'send', at: 10 };
const sent = transition(initialSyncState, send);

describe('outbox entry state machine', () => {
  it('goes pending → syncing on send and counts the attempt', () => {
    expect(sent).toEqual({ status: 'syncing', sentAt: 10, attempts: 1, lastError: null });
  });

  it('settles a sent entry as completed, conflict, failed or rejected', () => {
    expect(transition(sent, { type: 'succeeded', version: 3, at: 20 })).toMatchObject({ status: 'completed', version: 3, settledAt: 20 });
    expect(transition(sent, { type: 'conflicted', winner: 'server', version: 7, at: 20 })).toMatchObject({ status: 'conflict', winner: 'server' });
    expect(transition(sent, { type: 'transient_failure', error: 'net', nextAttemptAt: 99 })).toMatchObject({ status: 'failed', lastError: 'net', nextAttemptAt: 99, attempts: 1 });
    expect(transition(sent, { type: 'rejected', code: 'FORBIDDEN', error: 'no' })).toMatchObject({ status: 'rejected', code: 'FORBIDDEN' });
  });

  it('sends a failed entry again, counting attempts', () => {
    const failed = transition(sent, { type: 'transient_failure', error: 'net', nextAttemptAt: null });
    expect(transition(failed, { type: 'send', at: 30 })).toMatchObject({ status: 'syncing', attempts: 2, lastError: 'net' });
  });

  it('returns a sent entry to pending without counting a failure (crash, 401)', () => {
    expect(transition(sent, { type: 'returned', reason: null })).toEqual({ status: 'pending', attempts: 1, lastError: null });
  });

  it('lets the user retry a rejected entry, resetting attempts', () => {
    const rejected = transition(sent, { type: 'rejected', code: 'VALIDATION', error: 'bad' });
    expect(transition(rejected, { type: 'retry' })).toEqual({ status: 'pending', attempts: 0, lastError: 'bad' });
  });

  it('refuses transitions that are not in the diagram', () => {
    const completed = transition(sent, { type: 'succeeded', version: 1, at: 1 });
    const illegal: Array<[SyncState, SyncEvent]> = [
      [initialSyncState, { type: 'succeeded', version: 1, at: 1 }],
      [initialSyncState, { type: 'retry' }],
      [sent, send],
      [completed, send],
      [completed, { type: 'retry' }],
      [initialSyncState, { type: 'returned', reason: null }],
    ];
    for (const [s, e] of illegal) expect(() => transition(s, e)).toThrow(IllegalTransitionError);
  });

  it('classifies statuses as unsynced work or settled', () => {
    expect(['pending', 'syncing', 'failed', 'rejected'].every((s) => isUnsynced(s as never))).toBe(true);
    expect(isUnsynced('completed') || isUnsynced('conflict')).toBe(false);
    expect(isSettled('completed') && isSettled('conflict')).toBe(true);
    expect(isSettled('failed')).toBe(false);
  });
});
