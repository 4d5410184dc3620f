// The signed-in session on this device: the token and user from POST /api/v1/auth/login, kept
// in localStorage so a reload (even offline) reopens the app as the same user. The token may
// expire while the device is offline: the user keeps working on local data, and signs in again
// when the server says 401 (sync pauses meanwhile; nothing local is lost).
import { DEVICE_TOKEN_HEADER, type LoginResponse, LoginResponseSchema } from '@/protocol/auth';
import type { TFunction } from 'i18next';
import { ErrorBodySchema } from '@/protocol/errors';
import { deviceTokenFor, keepDeviceToken } from './device-token';

export type Session = LoginResponse;

const KEY = 'fieldsync.session';

export function loadSession(storage: Storage | undefined = globalThis.localStorage): Session | null {
  if (!storage) return null;
  try {
    const raw = storage.getItem(KEY);
    if (!raw) return null;
    const parsed = LoginResponseSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session, storage: Storage | undefined = globalThis.localStorage): void {
  storage?.setItem(KEY, JSON.stringify(session));
}

export function clearSession(storage: Storage | undefined = globalThis.localStorage): void {
  storage?.removeItem(KEY);
}

/** Why a sign-in did not happen, as the login screen tells it. */
export type LoginFailure =
  | { readonly kind: 'offline' }
  | { readonly kind: 'invalid_credentials' }
  | { readonly kind: 'rate_limited'; readonly retryAfterSeconds: number | null }
  /** message: the server's own words, or null when its answer made no sense. */
  | { readonly kind: 'server'; readonly message: string | null };

export class LoginError extends Error {
  override readonly name = 'LoginError';
  constructor(readonly failure: LoginFailure) {
    super(failure.kind);
  }
}

export async function login(
  email: string,
  password: string,
  fetchFn: typeof fetch = (input, init) => globalThis.fetch(input, init),
  storage: Storage | undefined = globalThis.localStorage,
): Promise<Session> {
  let res: Response;
  const deviceToken = deviceTokenFor(email, storage);
  try {
    res = await fetchFn('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(deviceToken ? { [DEVICE_TOKEN_HEADER]: deviceToken } : {}) },
      body: JSON.stringify({ email, password }),
    });
  } catch {
    throw new LoginError({ kind: 'offline' });
  }
  const body: unknown = await res.json().catch(() => null);
  if (res.ok) {
    const parsed = LoginResponseSchema.safeParse(body);
    if (parsed.success) {
      if (parsed.data.deviceToken) keepDeviceToken(email, parsed.data.deviceToken, storage);
      return parsed.data;
    }
    throw new LoginError({ kind: 'server', message: null });
  }
  const error = ErrorBodySchema.safeParse(body);
  const code = error.success ? error.data.error.code : null;
  if (res.status === 401 || code === 'INVALID_CREDENTIALS') throw new LoginError({ kind: 'invalid_credentials' });
  if (res.status === 429) {
    const after = Number(res.headers.get('retry-after'));
    throw new LoginError({ kind: 'rate_limited', retryAfterSeconds: Number.isFinite(after) && after > 0 ? after : null });
  }
  // A proxy or service worker answering for an unreachable server looks like this too.
  if (res.status === 503 || res.status === 504) throw new LoginError({ kind: 'offline' });
  throw new LoginError({ kind: 'server', message: error.success ? error.data.error.message : `HTTP ${res.status}` });
}

/** The login screen's words for a failure, in the language of `t`. */
export function loginFailureText(f: LoginFailure, t: TFunction<'auth'>): string {
  switch (f.kind) {
    case 'offline':
      return t('failure.offline');
    case 'invalid_credentials':
      return t('failure.invalidCredentials');
    case 'rate_limited':
      return f.retryAfterSeconds ? t('failure.rateLimitedFor', { count: Math.ceil(f.retryAfterSeconds / 60) }) : t('failure.rateLimited');
    case 'server':
      return f.message === null ? t('failure.unexpected') : t('failure.server', { message: f.message });
  }
}
