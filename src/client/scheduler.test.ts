import { describe, expect, it } from 'vitest';
import { HttpError, NetworkError, UnauthorizedError } from './errors';
import { SyncScheduler, type SyncRunner } from './scheduler';
import type { EngineState } from './sync-store';
import { fakeEnvironment, settle } from './testing/fake-env';

function setup(outcomes: Array<Error | null>, hasWork: () => boolean = () => false, succeeded: () => Promise<void> = async () => undefined) {
  const env = fakeEnvironment(async () => new Response());
  const states: EngineState[] = [];
  let runs = 0;
  let release: (() => void) | null = null;
  const runner: SyncRunner = {
    run: async (planRetry) => {
      runs += 1;
      if (release === null) await new Promise<void>((r) => (release = r));
      const o = outcomes.shift() ?? null;
      if (o instanceof NetworkError || o instanceof HttpError) planRetry(o);
      if (o) throw o;
    },
    succeeded,
    hasToken: () => true,
    hasSendable: async () => false,
    hasWork: async () => hasWork(),
    probe: async () => true,
    publish: (s) => states.push(s),
    settled: async () => undefined,
  };
  const scheduler = new SyncScheduler(env, runner);
  return {
    env, states, scheduler,
    runs: () => runs,
    /** Lets runs finish from now on. */
    open: () => {
      const r = release as (() => void) | null;
      release = () => undefined;
      r?.();
    },
  };
}

describe('sync scheduler', () => {
  it('keeps one run at a time, and runs once more for a new episode that came during it', async () => {
    const s = setup([null, null]);
    s.scheduler.activate(); // 'start'
    void s.scheduler.trigger('local-write');
    void s.scheduler.trigger('manual');
    expect(s.runs()).toBe(1);
    s.open();
    await s.scheduler.whenIdle();
    expect(s.runs()).toBe(2);
    expect(s.states.at(-1)).toEqual({ kind: 'idle' });
  });

  it('ignores ordinary triggers during a backoff, but a new episode cancels it and runs now', async () => {
    const s = setup([new NetworkError('down'), null]);
    s.open();
    s.scheduler.activate();
    await s.scheduler.whenIdle();
    expect(s.states.at(-1)).toMatchObject({ kind: 'backing_off' });
    await s.scheduler.trigger('local-write');
    await s.scheduler.trigger('service-worker');
    expect(s.runs()).toBe(1);
    await s.scheduler.trigger('visible');
    expect(s.runs()).toBe(2);
    s.env.time.advance(60_000);
    await settle();
    expect(s.runs()).toBe(2); // the cancelled retry timer did not fire
  });

  it('does not run while the browser is offline, except on manual sync', async () => {
    const s = setup([null]);
    s.open();
    s.env.net.online = false;
    s.scheduler.activate();
    await s.scheduler.whenIdle();
    expect(s.runs()).toBe(0);
    expect(s.states.at(-1)).toEqual({ kind: 'offline' });
    await s.scheduler.trigger('manual');
    expect(s.runs()).toBe(1);
  });

  it('waits for a token after a 401, whatever else triggers', async () => {
    const s = setup([new UnauthorizedError(401, 'UNAUTHENTICATED', 'expired', undefined), null]);
    s.open();
    s.scheduler.activate();
    await s.scheduler.whenIdle();
    for (const r of ['online', 'visible', 'manual', 'local-write'] as const) await s.scheduler.trigger(r);
    expect(s.runs()).toBe(1);
    expect(s.states.at(-1)).toEqual({ kind: 'needs_login' });
    await s.scheduler.trigger('token');
    expect(s.runs()).toBe(2);
  });

  it('never rejects a run, even when the database goes away after the push (so a closing tab can release its lock)', async () => {
    const s = setup([null], () => false, () => Promise.reject(new Error('DatabaseClosedError')));
    s.open();
    s.scheduler.activate();
    await expect(s.scheduler.whenIdle()).resolves.toBeUndefined();
    expect(s.states.at(-1)).toEqual({ kind: 'error', message: 'DatabaseClosedError' });
    await expect(s.scheduler.deactivate()).resolves.toBeUndefined();
  });

  it('does nothing once deactivated', async () => {
    const s = setup([]);
    s.open();
    s.scheduler.activate();
    await s.scheduler.deactivate();
    await s.scheduler.trigger('manual');
    s.env.time.advance(10 * 60_000);
    expect(s.runs()).toBe(1);
  });
});

describe('sync scheduler periodic timer', () => {
  it('runs while there is work', async () => {
    let work = true;
    const s = setup([null, null], () => work);
    s.open();
    s.scheduler.activate();
    await s.scheduler.whenIdle();
    s.env.time.advance(30_000);
    await settle();
    await s.scheduler.whenIdle();
    expect(s.runs()).toBe(2);
    work = false;
    s.env.time.advance(30_000);
    await settle();
    expect(s.runs()).toBe(2);
  });
});
