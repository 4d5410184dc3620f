import { afterEach, describe, expect, it } from 'vitest';
import { ENTITY, type Harness, harness } from './testing/engine-harness';

let h: Harness;
afterEach(async () => h?.close());

async function started(opts: Parameters<typeof harness>[0] = {}) {
  h = await harness(opts);
  h.engine.start();
  await h.engine.whenLeader();
  await h.idle();
  return h;
}
const pushes = () => h.server.pushes().length;
const state = () => h.engine.store.getState().state;
const entry = async () => (await h.engine.listOutbox())[0]!;
/** Advances the fake clock and lets the runs it starts finish. */
async function advance(ms: number) {
  h.env.time.advance(ms);
  await h.idle();
}
const fail503 = { kind: 'status', status: 503, code: 'UNAVAILABLE' } as const;

describe('engine retries', () => {
  it('backs off exponentially, stops after 3 automatic retries, and tries again at the next trigger', async () => {
    await started();
    h.server.faults.push(fail503, fail503, fail503, fail503);
    const t0 = h.env.time.now();
    await h.engine.create({ type: 'assessment', entityId: ENTITY, data: {} });
    await h.idle();
    // random() is 0.5: delays are 3/4 of 1 s, 2 s, 4 s
    expect(state()).toEqual({ kind: 'backing_off', until: t0 + 750 });
    expect(await entry()).toMatchObject({ status: 'failed', nextAttemptAt: t0 + 750, attempts: 1 });
    await advance(749);
    expect(pushes()).toBe(1);
    await advance(1);
    expect(pushes()).toBe(2);
    expect(state()).toEqual({ kind: 'backing_off', until: t0 + 750 + 1500 });
    await advance(1500);
    await advance(3000);
    expect(pushes()).toBe(4);
    expect(state()).toMatchObject({ kind: 'error' });
    expect(await entry()).toMatchObject({ status: 'failed', nextAttemptAt: null, attempts: 4 });
    for (let i = 0; i < 120; i++) await advance(30_000); // an hour of periodic ticks: no more automatic retries
    expect(pushes()).toBe(4);
    h.env.net.emit('visible'); // a new episode
    await h.idle();
    expect(pushes()).toBe(5);
    expect(await entry()).toMatchObject({ status: 'completed', changeId: h.server.pushes()[0]!.changes[0]!.changeId });
  });

  it('honours Retry-After', async () => {
    await started();
    h.server.faults.push({ kind: 'status', status: 429, code: 'RATE_LIMITED', retryAfter: 7 });
    const t0 = h.env.time.now();
    await h.engine.create({ type: 'assessment', entityId: ENTITY, data: {} });
    await h.idle();
    expect(state()).toEqual({ kind: 'backing_off', until: t0 + 7000 });
    await advance(6999);
    expect(pushes()).toBe(1);
    await advance(1);
    expect(pushes()).toBe(2);
    expect(await entry()).toMatchObject({ status: 'completed' });
  });

  it('pauses on 401 as "needs login" without using retries, and setToken resumes', async () => {
    await started();
    h.server.validToken = 'fresh-token';
    await h.engine.create({ type: 'assessment', entityId: ENTITY, data: {} });
    await h.idle();
    expect(state()).toEqual({ kind: 'needs_login' });
    expect(await entry()).toMatchObject({ status: 'pending' });
    await advance(10 * 60 * 1000);
    expect(pushes()).toBe(1);
    await h.engine.setToken('fresh-token');
    await h.idle();
    expect(await entry()).toMatchObject({ status: 'completed' });
    expect(state()).toEqual({ kind: 'idle' });
  });

  it('waits for a login when there is no token at all', async () => {
    await started({ token: null });
    await h.engine.create({ type: 'assessment', entityId: ENTITY, data: {} });
    await h.idle();
    expect(state()).toEqual({ kind: 'needs_login' });
    expect(pushes()).toBe(0);
  });

  it('behind a captive portal, gives up after the retries, probes /api/v1/health periodically, and syncs once it answers', async () => {
    await started();
    h.server.captive = true;
    await h.engine.create({ type: 'assessment', entityId: ENTITY, data: {} });
    await h.idle();
    await advance(750);
    await advance(1500);
    await advance(3000);
    expect(pushes()).toBe(4);
    expect(await entry()).toMatchObject({ status: 'failed' });
    const healthBefore = h.server.requests.filter((r) => r.path === '/api/v1/health').length;
    await advance(30_000);
    expect(h.server.requests.filter((r) => r.path === '/api/v1/health').length).toBeGreaterThan(healthBefore);
    expect(pushes()).toBe(4);
    h.server.captive = false;
    await advance(30_000);
    expect(pushes()).toBe(5);
    expect(await entry()).toMatchObject({ status: 'completed' });
  });

  it('reports offline after network errors and resumes on the online event', async () => {
    await started();
    h.server.faults.push(...Array.from({ length: 4 }, () => ({ kind: 'drop-request' }) as const));
    await h.engine.create({ type: 'assessment', entityId: ENTITY, data: {} });
    await h.idle();
    for (const ms of [750, 1500, 3000]) await advance(ms);
    expect(state()).toEqual({ kind: 'offline' });
    h.env.net.emit('online');
    await h.idle();
    expect(await entry()).toMatchObject({ status: 'completed' });
  });

  it('cancels a pending backoff when the device goes offline, and starts over when it is back', async () => {
    await started();
    h.server.faults.push(fail503);
    await h.engine.create({ type: 'assessment', entityId: ENTITY, data: {} });
    await h.idle();
    h.env.net.emit('offline');
    expect(state()).toEqual({ kind: 'offline' });
    await advance(60_000);
    expect(pushes()).toBe(1);
    h.env.net.emit('online');
    await h.idle();
    expect(await entry()).toMatchObject({ status: 'completed' });
  });
});

describe('engine triggers', () => {
  async function withWaitingWork() {
    await started();
    h.env.net.online = false; // offline without an event
    await h.engine.create({ type: 'assessment', entityId: ENTITY, data: {} });
    await h.idle();
    h.env.net.online = true; // back, silently: navigator.onLine says so but no event fired
    expect(pushes()).toBe(0);
  }

  it('syncs when the page becomes visible', async () => {
    await withWaitingWork();
    h.env.net.emit('visible');
    await h.idle();
    expect(pushes()).toBe(1);
  });

  it('syncs on a message from the service worker', async () => {
    await withWaitingWork();
    h.env.net.emit('service-worker');
    await h.idle();
    expect(pushes()).toBe(1);
  });

  it('syncs on the periodic timer while there is work', async () => {
    await withWaitingWork();
    await advance(29_999);
    expect(pushes()).toBe(0);
    await advance(1);
    expect(pushes()).toBe(1);
  });

  it('syncs on manual "sync now", even while offline according to the browser', async () => {
    await withWaitingWork();
    h.env.net.online = false;
    await h.engine.syncNow();
    await h.idle();
    expect(pushes()).toBe(1);
  });

  it('syncs what was left from before at app start', async () => {
    h = await harness();
    await h.engine.create({ type: 'assessment', entityId: ENTITY, data: {} });
    expect(pushes()).toBe(0);
    h.engine.start();
    await h.engine.whenLeader();
    await h.idle();
    expect(pushes()).toBe(1);
    expect(h.server.requests.some((r) => r.path === '/api/v1/sync/pull')).toBe(true);
  });

  it('asks for persistent storage at start', async () => {
    await started();
    expect(h.engine.store.getState().persisted).toBe(true);
  });

  it('prunes settled entries past their retention after a run that failed, not only after one that succeeded', async () => {
    await started({ retentionMs: 60_000 });
    await h.engine.create({ type: 'assessment', entityId: ENTITY, data: { n: 1 } });
    await h.idle();
    expect((await entry()).status).toBe('completed');
    h.env.time.advance(61_000);
    h.server.faults.push(fail503);
    await h.engine.create({ type: 'assessment', entityId: ENTITY, data: { n: 2 } });
    await h.idle();
    const left = await h.engine.listOutbox();
    expect(left.map((e) => [e.data, e.status])).toEqual([[{ n: 2 }, 'failed']]);
  });
});
