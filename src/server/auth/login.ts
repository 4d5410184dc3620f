// POST /api/v1/auth/login {email, password} → 200 {token, expiresAt, user, deviceToken}.
// Wrong password and unknown email give the same 401 INVALID_CREDENTIALS, in about the same
// time (an unknown email is checked against a decoy hash). Every attempt spends its budgets
// before the password is checked (login-attempt.ts); a success clears the account's count. A
// spent budget is 429 RATE_LIMITED with Retry-After. A device that logged in before sends its device
// token (device-token.ts) and is counted on its own, so strangers locking the account out do not
// lock it out. Password checks wait in a small per-process queue, known devices first (503 when
// it is full). Without a device token the attempt first spends the client address's request
// budget, before the user is even read.
import { eq } from 'drizzle-orm';
import { DEVICE_TOKEN_HEADER, type LoginResponse, LoginRequestSchema } from '@/protocol/auth';
import { MAX_SMALL_BODY_BYTES } from '@/protocol/limits';
import type { ServerContext } from '../context';
import { users } from '../db/schema';
import { ApiError } from '../http/api-error';
import { parseWith, readJson } from '../http/read-json';
import { json } from '../http/respond';
import { clientAddress } from './client-address';
import { signDeviceToken, verifyDeviceToken } from './device-token';
import { signToken } from './jwt';
import { refundAttempt, settleSuccess, spendAttempt } from './login-attempt';
import { decoyHash, verifyPassword } from './password';

const invalidCredentials = () => new ApiError(401, 'INVALID_CREDENTIALS', 'wrong email or password');

export async function login(ctx: ServerContext, request: Request): Promise<Response> {
  const address = clientAddress(request, ctx.config.trustProxy);
  const sentDeviceToken = request.headers.get(DEVICE_TOKEN_HEADER);
  const device = await verifyDeviceToken(ctx.tokens, sentDeviceToken, ctx.clock.now());
  if (!device) await ctx.limits.address.consume(address);
  const body = parseWith(LoginRequestSchema, await readJson(request, MAX_SMALL_BODY_BYTES));
  // Started for every attempt (it is computed once per process), so that the first attempt
  // with an unknown email is not the only one that pays for hashing it.
  const decoy = decoyHash();

  // No stored email holds U+0000, and PostgreSQL refuses it in a query parameter: no such user.
  const [user] = body.email.includes('\u0000')
    ? []
    : await ctx.database.db
        .select({ id: users.id, email: users.email, name: users.name, role: users.role, passwordHash: users.passwordHash, deactivatedAt: users.deactivatedAt })
        .from(users)
        .where(eq(users.email, body.email));
  const knownDevice = device && user && device.userId === user.id ? device.deviceId : undefined;
  // A device token for another account proves nothing here: the attempt is a stranger's.
  if (device && knownDevice === undefined) await ctx.limits.address.consume(address);
  const attempt = await spendAttempt(ctx, { knownDevice, email: body.email, address });

  let ok: boolean;
  try {
    const hash = user?.passwordHash ?? (await decoy);
    ok = await ctx.limits.hashing.run(knownDevice ? 'known-device' : 'other', () => verifyPassword(body.password, hash));
  } catch (e) {
    // Not checked (the queue was full): it does not count.
    await refundAttempt(attempt);
    throw e;
  }
  // A deactivated user gets the answer of a wrong password, after the same work.
  if (!user || !ok || user.deactivatedAt !== null) {
    ctx.log.warn({ address, knownDevice: knownDevice !== undefined }, 'failed login');
    throw invalidCredentials();
  }
  await settleSuccess(attempt);
  const now = ctx.clock.now();
  const { token, expiresAt } = await signToken(ctx.tokens, user, now);
  const response: LoginResponse = {
    token,
    expiresAt,
    user: { id: user.id, email: user.email, name: user.name, role: user.role },
    deviceToken: knownDevice !== undefined && sentDeviceToken ? sentDeviceToken : await signDeviceToken(ctx.tokens, user.id, now),
  };
  ctx.log.info({ userId: user.id }, 'login');
  return json(200, response);
}
