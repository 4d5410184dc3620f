// Against the real server process: concurrent guesses get no more
// password checks than the account's budget, a new X-Forwarded-For per attempt does not get
// around the per-address budget, an attacker locking an account out does not lock out its owner
// on her known device, the request budget is sliding (no window boundary lets twice the limit
// through), and floods of the endpoints that had no limit (status, conflicts) get 429.
import { beforeAll, expect, it } from 'vitest';
import { DEVICE_TOKEN_HEADER, LoginResponseSchema } from '@/protocol/auth';
import { DEMO_PASSWORD } from '../seed/demo';
import { type HostileServer, describeEachServer, loginAs } from './harness';

/** The request budget for this suite: 60 in any 3 s, 10 of them at once. */
const WINDOW_MS = 3_000;
const MOST_PER_WINDOW = 60;

const env = {
  FIELDSYNC_SYNC_WINDOW_SECONDS: '3',
  FIELDSYNC_SYNC_RATE_PER_MINUTE: String(MOST_PER_WINDOW),
  FIELDSYNC_SYNC_BURST: '10',
  // The general per-address budget out of the way: the login budgets are what is tried here.
  FIELDSYNC_ADDRESS_RATE_PER_MINUTE: '1000000',
  FIELDSYNC_ADDRESS_BURST: '100000',
};

function login(server: HostileServer, email: string, password: string, headers: Record<string, string> = {}) {
  return fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ email, password }),
  });
}

async function statusOf(res: Promise<Response>): Promise<number> {
  const r = await res;
  await r.arrayBuffer();
  return r.status;
}

describeEachServer('login and request limits', { env, maxLifetimeMs: 240_000 }, (server) => {
  // Signed in before the login tests spend this address's budget.
  const tokens: Record<'ana' | 'admin', string> = { ana: '', admin: '' };
  beforeAll(async () => {
    tokens.ana = await loginAs(server().url, 'ana@demo.fieldsync');
    tokens.admin = await loginAs(server().url, 'admin@demo.fieldsync');
  });

  it('does not lock the owner out on her known device while an attacker has locked her account', async () => {
    const first = LoginResponseSchema.parse(await (await login(server(), 'cora@demo.fieldsync', DEMO_PASSWORD)).json());
    expect(first.deviceToken).toBeTruthy();
    const attack = await Promise.all(Array.from({ length: 15 }, () => statusOf(login(server(), 'cora@demo.fieldsync', 'attacker-guess'))));
    expect(attack.filter((s) => s === 401).length).toBeLessThanOrEqual(10);
    expect(await statusOf(login(server(), 'cora@demo.fieldsync', DEMO_PASSWORD))).toBe(429);
    expect(await statusOf(login(server(), 'cora@demo.fieldsync', DEMO_PASSWORD, { [DEVICE_TOKEN_HEADER]: first.deviceToken! }))).toBe(200);
  });

  it('does not accept the right password sent as the 200th of 200 concurrent guesses', async () => {
    const statuses = await Promise.all(
      Array.from({ length: 200 }, (_, i) => statusOf(login(server(), 'ben@demo.fieldsync', i === 199 ? DEMO_PASSWORD : `guess-${i}`))),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(0);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(10);
    expect(statuses.every((s) => s === 401 || s === 429 || s === 503)).toBe(true);
  });

  it('counts attempts against the connection address whatever X-Forwarded-For says', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) {
      const forged = `198.51.${Math.floor(i / 250)}.${i % 250}`;
      statuses.push(await statusOf(login(server(), `nobody-${i}@example.test`, 'x', { 'x-forwarded-for': forged })));
    }
    // 50 failures per address (fewer: the attempts above came from this address too), then 429.
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(50);
    expect(statuses.slice(-10)).toEqual(Array(10).fill(429));
  });

  it(`admits no more than ${MOST_PER_WINDOW} requests in any ${WINDOW_MS / 1000} s, across window boundaries`, async () => {
    const token = tokens.ana;
    const admitted: Array<{ sent: number; answered: number }> = [];
    let next = 0;
    const worker = async () => {
      while (next < 2_400) {
        next++;
        const sent = performance.now();
        const status = await statusOf(fetch(`${server().url}/api/v1/sync/status`, { headers: { authorization: `Bearer ${token}` } }));
        if (status === 200) admitted.push({ sent, answered: performance.now() });
        else expect(status).toBe(429);
      }
    };
    const start = performance.now();
    await Promise.all(Array.from({ length: 8 }, worker));
    const elapsed = performance.now() - start;
    // Each admission was decided between its request's send and its answer: those sent at or after
    // `t` and answered by `t + window` were all decided within one window.
    for (const a of admitted) {
      const within = admitted.filter((b) => b.sent >= a.sent && b.answered <= a.sent + WINDOW_MS).length;
      expect(within).toBeLessThanOrEqual(MOST_PER_WINDOW);
    }
    // And the budget is usable: a run of several windows gets close to its share.
    if (elapsed > 2 * WINDOW_MS) expect(admitted.length).toBeGreaterThan(((elapsed / WINDOW_MS) * (MOST_PER_WINDOW - 10)) / 2);
  }, 180_000);

  it('answers floods of /sync/status and /sync/conflicts with 429 and a whole-second Retry-After', async () => {
    const token = tokens.admin;
    for (const path of ['/api/v1/sync/status', '/api/v1/sync/conflicts']) {
      const responses = await Promise.all(
        Array.from({ length: 100 }, () => fetch(`${server().url}${path}`, { headers: { authorization: `Bearer ${token}` } })),
      );
      const limited = responses.filter((r) => r.status === 429);
      expect(limited.length).toBeGreaterThan(0);
      for (const r of limited) expect(r.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
      for (const r of responses) await r.arrayBuffer();
      await new Promise((r) => setTimeout(r, WINDOW_MS));
    }
    expect(server().alive()).toBe(true);
  });
});
