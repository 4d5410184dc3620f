import { describe, expect, it } from 'vitest';
import { clearSession, loadSession, login, LoginError, loginFailureText, type Session, saveSession } from './session';
import { MemoryStorage } from './testing/memory-storage';

const session: Session = {
  token: 'tok',
  expiresAt: '2030-01-01T00:00:00.000Z',
  user: { id: 'u1', email: 'ana@demo.fieldsync', name: 'Ana', role: 'field_worker' },
};

const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  (async () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } })) as typeof fetch;

async function failure(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    if (e instanceof LoginError) return e.failure;
    throw e;
  }
  throw new Error('login did not fail');
}

describe('the session kept on the device', () => {
  it('survives a reload (kept in storage) and is gone after sign-out', () => {
    const storage = new MemoryStorage();
    expect(loadSession(storage)).toBeNull();
    saveSession(session, storage);
    expect(loadSession(storage)).toEqual(session);
    clearSession(storage);
    expect(loadSession(storage)).toBeNull();
  });

  it('ignores a stored value that is not a session', () => {
    const storage = new MemoryStorage();
    storage.setItem('fieldsync.session', '{"token":1}');
    expect(loadSession(storage)).toBeNull();
    storage.setItem('fieldsync.session', 'not json');
    expect(loadSession(storage)).toBeNull();
  });
});

describe('signing in', () => {
  it('returns the session the server gave', async () => {
    expect(await login('ana@demo.fieldsync', 'pw', answer(200, session))).toEqual(session);
  });

  it('keeps the device token the server gave, past sign-out, and sends it on the next login to that account only', async () => {
    const storage = new MemoryStorage();
    const sent: Array<string | null> = [];
    const server = (async (_: RequestInfo | URL, init?: RequestInit) => {
      sent.push(new Headers(init?.headers).get('x-fieldsync-device-token'));
      return new Response(JSON.stringify({ ...session, deviceToken: 'dev-token-1' }), { status: 200 });
    }) as typeof fetch;
    await login('ana@demo.fieldsync', 'pw', server, storage);
    clearSession(storage);
    await login(' Ana@Demo.Fieldsync', 'pw', server, storage);
    await login('ben@demo.fieldsync', 'pw', server, storage);
    expect(sent).toEqual([null, 'dev-token-1', null]);
  });

  it('says "offline" when the request cannot be made, or a gateway answers for the server', async () => {
    const down = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    expect(await failure(login('a@b.c', 'pw', down))).toEqual({ kind: 'offline' });
    expect(await failure(login('a@b.c', 'pw', answer(503, {})))).toEqual({ kind: 'offline' });
  });

  it('tells wrong credentials and rate limiting apart', async () => {
    const wrong = answer(401, { error: { code: 'INVALID_CREDENTIALS', message: 'no' } });
    expect(await failure(login('a@b.c', 'pw', wrong))).toEqual({ kind: 'invalid_credentials' });
    const limited = answer(429, { error: { code: 'RATE_LIMITED', message: 'slow down' } }, { 'retry-after': '120' });
    expect(await failure(login('a@b.c', 'pw', limited))).toEqual({ kind: 'rate_limited', retryAfterSeconds: 120 });
  });

  it('refuses an answer that is not a session', async () => {
    expect(await failure(login('a@b.c', 'pw', answer(200, { token: 'x' })))).toMatchObject({ kind: 'server' });
  });
});

describe('the login screen’s words for a failure', () => {
  it('says each failure in the language of the screen, with minutes in that language’s plural', async () => {
    const { i18n } = await import('./i18n');
    const en = i18n.getFixedT('en', 'auth');
    const fr = i18n.getFixedT('fr', 'auth');
    const ar = i18n.getFixedT('ar', 'auth');
    expect(loginFailureText({ kind: 'invalid_credentials' }, en)).toBe('Wrong email or password.');
    expect(loginFailureText({ kind: 'rate_limited', retryAfterSeconds: 120 }, en)).toBe('Too many attempts. Try again in 2 minutes.');
    expect(loginFailureText({ kind: 'rate_limited', retryAfterSeconds: 30 }, fr)).toBe('Trop de tentatives. Réessayez dans 1 minute.');
    expect(loginFailureText({ kind: 'rate_limited', retryAfterSeconds: 120 }, ar)).toBe('محاولات كثيرة جدًا. حاول مرة أخرى بعد دقيقتين.');
    expect(loginFailureText({ kind: 'server', message: null }, en)).toBe('Sign-in failed: the server sent an unexpected answer.');
    expect(loginFailureText({ kind: 'server', message: 'HTTP 500' }, fr)).toBe('Échec de la connexion : HTTP 500');
  });
});
