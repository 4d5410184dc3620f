import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SCHEDULE_OPTIONS, INACTIVE, NEW_EPISODE, type RunFailure, type ScheduleEvent, type ScheduleState, type TriggerReason, periodicAction, step,
} from './sync-schedule';

const REASONS: TriggerReason[] = ['start', 'online', 'probe', 'visible', 'manual', 'token', 'local-write', 'remote-write', 'service-worker', 'periodic', 'retry'];

const failure: fc.Arbitrary<RunFailure> = fc.oneof(
  fc.constant<RunFailure>({ kind: 'unauthorized' }),
  fc.record({ kind: fc.constant('transient' as const), unreachable: fc.boolean(), retryAfterSeconds: fc.option(fc.integer({ min: 0, max: 120 }), { nil: undefined }), message: fc.constant('down') }),
  fc.constant<RunFailure>({ kind: 'other', message: 'broken' }),
);

const event: fc.Arbitrary<ScheduleEvent> = fc.oneof(
  fc.constant<ScheduleEvent>({ type: 'activate' }),
  fc.constant<ScheduleEvent>({ type: 'deactivate' }),
  fc.record({ type: fc.constant('trigger' as const), reason: fc.constantFrom(...REASONS), hasToken: fc.boolean(), online: fc.boolean() }),
  fc.record({ type: fc.constant('plan_retry' as const), now: fc.integer({ min: 0, max: 1e6 }), random: fc.double({ min: 0, max: 0.999, noNaN: true }), retryAfterSeconds: fc.constant(undefined) }),
  fc.constant<ScheduleEvent>({ type: 'run_succeeded' }),
  fc.record({ type: fc.constant('run_settled' as const), hasToken: fc.boolean(), hasSendable: fc.boolean() }),
  fc.record({ type: fc.constant('run_failed' as const), failure, now: fc.integer({ min: 0, max: 1e6 }), random: fc.double({ min: 0, max: 0.999, noNaN: true }), online: fc.boolean() }),
  fc.constant<ScheduleEvent>({ type: 'retry_due' }),
  fc.constant<ScheduleEvent>({ type: 'went_offline' }),
  fc.constant<ScheduleEvent>({ type: 'pause_for_login' }),
);

/** Runs `events` from INACTIVE, calling `check` with each transition. */
function walk(events: readonly ScheduleEvent[], check: (before: ScheduleState, e: ScheduleEvent, after: ReturnType<typeof step>) => void): void {
  let s: ScheduleState = INACTIVE;
  for (const e of events) {
    const next = step(s, e);
    check(s, e, next);
    s = next.state;
  }
}

const starts = (r: ReturnType<typeof step>) => r.effects.some((x) => x.type === 'start_run');

describe('sync schedule', () => {
  it('keeps at most one run: a run starts only from a state without one, or continues one that asked for more', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), (events) =>
        walk(events, (before, e, after) => {
          if (starts(after)) {
            expect(after.state.kind).toBe('running');
            if (before.kind === 'running') expect(e.type).toBe('run_settled');
          }
          if (after.state.kind === 'running' && before.kind !== 'running') expect(starts(after)).toBe(true);
        }),
      ),
    );
  });

  it('never plans more automatic retries in an episode than allowed, and a new episode starts the count again', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 80 }), (events) =>
        walk(events, (_before, e, after) => {
          if (after.state.kind !== 'inactive') expect(after.state.episode.retries).toBeLessThanOrEqual(DEFAULT_SCHEDULE_OPTIONS.maxAutoRetries);
          if (e.type === 'trigger' && NEW_EPISODE.has(e.reason) && after.state.kind !== 'inactive') {
            expect(after.state.episode.retries).toBe(0);
            if (after.state.kind === 'waiting') expect(after.state.retryAt).toBeNull();
          }
        }),
      ),
    );
  });

  it('starts no run while offline (but a manual sync), without a token, or after a 401 until a new token', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), (events) =>
        walk(events, (before, e, after) => {
          if (e.type !== 'trigger' || !starts(after)) return;
          expect(e.hasToken).toBe(true);
          if (!e.online) expect(e.reason).toBe('manual');
          if (before.kind !== 'inactive' && before.needsLogin) expect(e.reason).toBe('token');
        }),
      ),
    );
  });

  it('sets a retry timer only with a backoff it publishes, and ignores ordinary triggers while it is pending', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), (events) =>
        walk(events, (before, e, after) => {
          const timer = after.effects.find((x) => x.type === 'set_retry_timer');
          if (timer) {
            expect(after.state).toMatchObject({ kind: 'waiting', retryAt: timer.at });
            expect(after.effects).toContainEqual({ type: 'publish', status: { kind: 'backing_off', until: timer.at } });
          }
          if (e.type === 'trigger' && before.kind === 'waiting' && before.retryAt !== null && !NEW_EPISODE.has(e.reason)) expect(after).toEqual({ state: before, effects: [] });
        }),
      ),
    );
  });

  it('does nothing but remember a login pause while inactive', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 40 }), (events) =>
        walk(events, (before, e, after) => {
          if (before.kind === 'inactive' && e.type !== 'activate' && e.type !== 'pause_for_login') expect(after.effects).toEqual([]);
        }),
      ),
    );
  });

  it('backs off 3 times in an episode, then says offline when the server was unreachable, or the error', () => {
    let s = step(INACTIVE, { type: 'activate' }).state;
    const down: ScheduleEvent = { type: 'run_failed', failure: { kind: 'transient', unreachable: true, retryAfterSeconds: undefined, message: 'down' }, now: 0, random: 0.5, online: true };
    const until: number[] = [];
    for (let i = 0; i < 4; i++) {
      s = step(s, { type: 'trigger', reason: i === 0 ? 'start' : 'retry', hasToken: true, online: true }).state;
      const r = step(s, down);
      s = r.state;
      if (s.kind === 'waiting' && s.retryAt !== null) until.push(s.retryAt);
      s = step(s, { type: 'retry_due' }).state;
      if (i === 3) expect(r.effects).toEqual([{ type: 'publish', status: { kind: 'offline' } }]);
    }
    expect(until).toEqual([750, 1500, 3000]);
    expect(periodicAction(s, { online: true, hasToken: true, hasWork: true })).toBe('probe');
  });

  it('after a 401 runs again only for a new token, whatever else triggers', () => {
    let s = step(INACTIVE, { type: 'activate' }).state;
    s = step(s, { type: 'trigger', reason: 'start', hasToken: true, online: true }).state;
    s = step(s, { type: 'run_failed', failure: { kind: 'unauthorized' }, now: 0, random: 0.5, online: true }).state;
    for (const reason of ['online', 'visible', 'manual', 'local-write', 'periodic'] as const) {
      const r = step(s, { type: 'trigger', reason, hasToken: true, online: true });
      expect(starts(r)).toBe(false);
      expect(r.effects).toContainEqual({ type: 'publish', status: { kind: 'needs_login' } });
      s = r.state;
    }
    expect(starts(step(s, { type: 'trigger', reason: 'token', hasToken: true, online: true }))).toBe(true);
  });

  it('honours Retry-After for the delay', () => {
    let s = step(INACTIVE, { type: 'activate' }).state;
    s = step(s, { type: 'trigger', reason: 'start', hasToken: true, online: true }).state;
    const r = step(s, { type: 'run_failed', failure: { kind: 'transient', unreachable: false, retryAfterSeconds: 7, message: 'busy' }, now: 1000, random: 0.5, online: true });
    expect(r.state).toMatchObject({ kind: 'waiting', retryAt: 8000 });
  });
});
