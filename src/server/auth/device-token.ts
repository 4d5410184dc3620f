// Device tokens (the OWASP "device cookie"): a successful login gives the device a long-lived
// token, signed with the server's key for a separate audience, naming the account and a random
// device id. A later login to that account that presents it is from a known device: its failed
// attempts count against that device's own budget, not the account lockout strangers hit, so an
// attacker locking an account out does not lock out its owner's devices.
import { randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import type { TokenSettings } from './jwt';

export const DEVICE_TOKEN_TTL_SECONDS = 365 * 24 * 3600;

export interface KnownDevice {
  readonly userId: string;
  readonly deviceId: string;
}

const audience = (s: TokenSettings) => `${s.audience}-device`;

export async function signDeviceToken(s: TokenSettings, userId: string, nowMs: number): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setJti(randomUUID())
    .setIssuer(s.issuer)
    .setAudience(audience(s))
    .setIssuedAt(iat)
    .setExpirationTime(iat + DEVICE_TOKEN_TTL_SECONDS)
    .sign(s.key);
}

/** The device a valid device token names; undefined for a missing, forged or expired one. */
export async function verifyDeviceToken(s: TokenSettings, token: string | null, nowMs: number): Promise<KnownDevice | undefined> {
  if (!token || token.length > 2048) return undefined;
  try {
    const { payload } = await jwtVerify(token, s.key, {
      algorithms: ['HS256'],
      issuer: s.issuer,
      audience: audience(s),
      requiredClaims: ['exp', 'sub', 'jti'],
      currentDate: new Date(nowMs),
    });
    if (typeof payload.sub !== 'string' || typeof payload.jti !== 'string') return undefined;
    return { userId: payload.sub, deviceId: payload.jti };
  } catch {
    return undefined;
  }
}
