// Access tokens: HS256 JWTs (jose) with an explicit algorithm allow-list, and `exp`, `iss`,
// `aud` checked on every request.
import { SignJWT, jwtVerify } from 'jose';
import type { Role } from '@/protocol/auth';
import type { VerifiedTokens } from './verified-tokens';

export interface TokenSettings {
  readonly key: Uint8Array;
  /** Tokens verified before; unset: every token is verified every time. */
  readonly verified?: VerifiedTokens;
  readonly issuer: string;
  readonly audience: string;
  readonly ttlSeconds: number;
}

export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError';
}

export async function signToken(
  s: TokenSettings,
  user: { id: string; role: Role },
  nowMs: number,
): Promise<{ token: string; expiresAt: string }> {
  const iat = Math.floor(nowMs / 1000);
  const exp = iat + s.ttlSeconds;
  const token = await new SignJWT({ role: user.role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user.id)
    .setIssuer(s.issuer)
    .setAudience(s.audience)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(s.key);
  return { token, expiresAt: new Date(exp * 1000).toISOString() };
}

/** Returns the user id the token was issued to; throws InvalidTokenError for any bad token. */
export async function verifyToken(s: TokenSettings, token: string, nowMs: number): Promise<string> {
  const known = s.verified?.subject(token, nowMs);
  if (known !== undefined) return known;
  try {
    const { payload } = await jwtVerify(token, s.key, {
      algorithms: ['HS256'],
      issuer: s.issuer,
      audience: s.audience,
      requiredClaims: ['exp', 'sub'],
      currentDate: new Date(nowMs),
    });
    if (typeof payload.sub !== 'string' || payload.sub === '') throw new InvalidTokenError('no subject');
    s.verified?.remember(token, payload.sub, (payload.exp ?? 0) * 1000);
    return payload.sub;
  } catch (e) {
    if (e instanceof InvalidTokenError) throw e;
    throw new InvalidTokenError(e instanceof Error ? e.message : 'invalid token');
  }
}
