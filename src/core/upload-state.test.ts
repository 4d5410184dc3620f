import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffCeiling } from './backoff';
import {
  DEFAULT_UPLOAD_POLICY,
  IllegalUploadTransitionError,
  type UploadEvent,
  type UploadState,
  initialUploadState,
  isDue,
  isUploadSettled,
  step,
} from './upload-state';

const started = step(initialUploadState, { type: 'start', at: 10 });
const fail = (at: number): UploadEvent => ({ type: 'transient_failure', error: 'net', at, random: 0.5 });

describe('upload state machine', () => {
  it('goes pending → uploading on start, counting the attempt from zero bytes', () => {
    expect(started).toEqual({ status: 'uploading', bytesSent: 0, startedAt: 10, attempts: 1, autoRetries: 0, lastError: null });
  });

  it('records progress and never lets bytesSent go backwards', () => {
    const a = step(started, { type: 'progress', bytesSent: 500 });
    expect(step(a, { type: 'progress', bytesSent: 200 })).toMatchObject({ bytesSent: 500 });
  });

  it('settles an upload as uploaded, rejected, failed with backoff, or back to pending on wait', () => {
    expect(step(started, { type: 'completed', at: 20 })).toMatchObject({ status: 'uploaded', settledAt: 20, lastError: null });
    expect(step(started, { type: 'rejected', reason: 'too large' })).toMatchObject({ status: 'rejected', reason: 'too large' });
    const failed = step(started, fail(20));
    expect(failed).toMatchObject({ status: 'failed', autoRetries: 1, lastError: 'net' });
    expect(failed.status === 'failed' && failed.nextAttemptAt).toBeGreaterThan(20);
    expect(step(started, { type: 'wait', reason: 'waiting for login' })).toMatchObject({ status: 'pending', attempts: 1, autoRetries: 0 });
  });

  it('honours Retry-After on a transient failure', () => {
    expect(step(started, { ...fail(1000), retryAfter: 7 } as UploadEvent)).toMatchObject({ status: 'failed', nextAttemptAt: 8000 });
  });

  it('stops planning retries after the episode budget and waits for the next episode', () => {
    let s: UploadState = initialUploadState;
    let now = 0;
    for (let i = 0; i < DEFAULT_UPLOAD_POLICY.maxAutoRetries; i++) {
      s = step(step(s, { type: 'start', at: now }), fail(now));
      expect(s).toMatchObject({ status: 'failed' });
      now = (s as { nextAttemptAt: number }).nextAttemptAt;
      expect(isDue(s, now)).toBe(true);
    }
    s = step(step(s, { type: 'start', at: now }), fail(now));
    expect(s).toMatchObject({ status: 'failed', nextAttemptAt: null });
    expect(isDue(s, now + 1e12)).toBe(false);
    const next = step(s, { type: 'episode' });
    expect(next).toMatchObject({ status: 'failed', autoRetries: 0, lastError: 'net' });
    expect(isDue(next, now)).toBe(true);
  });

  it('lets the user retry a failed or rejected upload', () => {
    const rejected = step(started, { type: 'rejected', reason: 'bad type' });
    expect(step(rejected, { type: 'retry' })).toEqual({ status: 'pending', attempts: 0, autoRetries: 0, lastError: 'bad type' });
    expect(step(step(started, fail(1)), { type: 'retry' })).toMatchObject({ status: 'pending' });
  });

  it('refuses transitions that are not in the diagram', () => {
    const uploaded = step(started, { type: 'completed', at: 1 });
    const illegal: Array<[UploadState, UploadEvent]> = [
      [initialUploadState, { type: 'completed', at: 1 }],
      [initialUploadState, { type: 'progress', bytesSent: 1 }],
      [initialUploadState, { type: 'retry' }],
      [started, { type: 'start', at: 1 }],
      [uploaded, { type: 'start', at: 1 }],
      [uploaded, { type: 'retry' }],
      [uploaded, fail(1)],
    ];
    for (const [s, e] of illegal) expect(() => step(s, e)).toThrow(IllegalUploadTransitionError);
  });

  it('treats only uploaded and rejected as settled', () => {
    expect(['pending', 'uploading', 'uploaded', 'failed', 'rejected'].filter((s) => isUploadSettled(s as UploadState['status']))).toEqual([
      'uploaded',
      'rejected',
    ]);
  });
});

const eventArb: fc.Arbitrary<UploadEvent> = fc.oneof(
  fc.nat(1000).map((d) => ({ type: 'start', at: d }) as const),
  fc.nat(10_000_000).map((b) => ({ type: 'progress', bytesSent: b }) as const),
  fc.nat(1000).map((d) => ({ type: 'completed', at: d }) as const),
  fc.record({ at: fc.nat(1000), random: fc.double({ min: 0, max: 0.999, noNaN: true }) }).map(
    ({ at, random }) => ({ type: 'transient_failure', error: 'e', at, random }) as const,
  ),
  fc.constant({ type: 'rejected', reason: 'r' } as const),
  fc.constant({ type: 'wait', reason: 'w' } as const),
  fc.constant({ type: 'retry' } as const),
  fc.constant({ type: 'episode' } as const),
);

/** Runs the events that are legal from each state, skipping the rest (as the queue never sends them). */
function run(events: readonly UploadEvent[]): UploadState[] {
  const states: UploadState[] = [initialUploadState];
  let s = initialUploadState;
  for (const e of events) {
    try {
      s = step(s, e);
    } catch (err) {
      if (!(err instanceof IllegalUploadTransitionError)) throw err;
    }
    states.push(s);
  }
  return states;
}

describe('upload state machine properties', () => {
  it('never plans more automatic retries per episode than the budget', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 80 }), (events) => {
        let planned = 0;
        let s = initialUploadState;
        for (const e of events) {
          let next: UploadState;
          try {
            next = step(s, e);
          } catch {
            continue;
          }
          if (e.type === 'episode' || e.type === 'retry') planned = 0;
          if (e.type === 'transient_failure' && next.status === 'failed' && next.nextAttemptAt !== null) planned += 1;
          expect(planned).toBeLessThanOrEqual(DEFAULT_UPLOAD_POLICY.maxAutoRetries);
          expect(next.autoRetries).toBeLessThanOrEqual(DEFAULT_UPLOAD_POLICY.maxAutoRetries);
          s = next;
        }
      }),
    );
  });

  it('keeps a planned retry within the backoff ceiling, never sooner than half of it', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 60 }), (events) => {
        let s = initialUploadState;
        for (const e of events) {
          let next: UploadState;
          try {
            next = step(s, e);
          } catch {
            continue;
          }
          if (e.type === 'transient_failure' && next.status === 'failed' && next.nextAttemptAt !== null) {
            const ceiling = backoffCeiling(s.autoRetries, DEFAULT_UPLOAD_POLICY.backoff);
            expect(next.nextAttemptAt - e.at).toBeLessThanOrEqual(ceiling);
            expect(next.nextAttemptAt - e.at).toBeGreaterThanOrEqual(ceiling / 2);
          }
          s = next;
        }
      }),
    );
  });

  it('leaves uploaded only for good: no event moves an uploaded upload', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 60 }), (events) => {
        const states = run(events);
        const firstUploaded = states.findIndex((s) => s.status === 'uploaded');
        if (firstUploaded < 0) return;
        for (const s of states.slice(firstUploaded)) expect(s.status).toBe('uploaded');
      }),
    );
  });

  it('counts one attempt per start and loses none', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 60 }), (events) => {
        let s = initialUploadState;
        let starts = 0;
        for (const e of events) {
          try {
            const next = step(s, e);
            if (e.type === 'start') starts += 1;
            if (e.type === 'retry') starts = 0;
            s = next;
          } catch {
            // illegal here; the queue never sends it
          }
          expect(s.attempts).toBe(starts);
        }
      }),
    );
  });

  it('is due only when pending, or failed with its time come', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 60 }), fc.nat(100_000), (events, now) => {
        const s = run(events).at(-1)!;
        const due = isDue(s, now);
        if (s.status === 'pending') expect(due).toBe(true);
        else if (s.status === 'failed') expect(due).toBe(s.nextAttemptAt !== null && s.nextAttemptAt <= now);
        else expect(due).toBe(false);
      }),
    );
  });
});
