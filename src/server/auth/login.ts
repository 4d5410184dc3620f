// POST /api/v1/auth/login {email, password} → 200 {token, expiresAt, user}.
// Wrong password and unknown email give the same 401 INVALID_CREDENTIALS, in about the same
// time (an unknown email is checked against a decoy hash). FAILED attempts are counted per
// account (the email as given, known or not) and per client address; once either budget is
// spent every attempt gets 429 RATE_LIMITED with Retry-After, even with the right password,
// until the window passes. A success clears the account's count (not the address's).
import { eq } from 'drizzle-orm';
import { type LoginResponse, LoginRequestSchema } from '@/protocol/auth';
import { MAX_SMALL_BODY_BYTES } from '@/protocol/limits';
import type { ServerContext } from '../context';
import { users } from '../db/schema';
import { ApiError } from '../http/api-error';
import { parseWith, readJson } from '../http/read-json';
import { json } from '../http/respond';
import { clientAddress } from './client-address';
import { signToken } from './jwt';
import { decoyHash, verifyPassword } from './password';

const invalidCredentials = () => new ApiError(401, 'INVALID_CREDENTIALS', 'wrong email or password');

export async function login(ctx: ServerContext, request: Request): Promise<Response> {
  const body = parseWith(LoginRequestSchema, await readJson(request, MAX_SMALL_BODY_BYTES));
  const accountKey = body.email;
  const addressKey = clientAddress(request, ctx.config.trustProxy);
  const { loginAccount, loginAddress } = ctx.limits;
  await loginAccount.check(accountKey);
  await loginAddress.check(addressKey);
  // Started for every attempt (it is computed once per process), so that the first attempt
  // with an unknown email is not the only one that pays for hashing it.
  const decoy = decoyHash();

  // No stored email holds U+0000, and PostgreSQL refuses it in a query parameter: no such user.
  const [user] = body.email.includes('\u0000')
    ? []
    : await ctx.database.db
        .select({ id: users.id, email: users.email, name: users.name, role: users.role, passwordHash: users.passwordHash })
        .from(users)
        .where(eq(users.email, body.email));
  const ok = await verifyPassword(body.password, user?.passwordHash ?? (await decoy));
  if (!user || !ok) {
    await countFailure(ctx, accountKey, addressKey);
    throw invalidCredentials();
  }
  await loginAccount.reward(accountKey);
  const { token, expiresAt } = await signToken(ctx.tokens, user, ctx.clock.now());
  const response: LoginResponse = { token, expiresAt, user: { id: user.id, email: user.email, name: user.name, role: user.role } };
  ctx.log.info({ userId: user.id }, 'login');
  return json(200, response);
}

async function countFailure(ctx: ServerContext, accountKey: string, addressKey: string): Promise<void> {
  // Both counters move even if one is already spent (a concurrent attempt may have spent it):
  // this attempt still answers 401, the next one 429.
  const results = await Promise.allSettled([ctx.limits.loginAccount.consume(accountKey), ctx.limits.loginAddress.consume(addressKey)]);
  for (const r of results) if (r.status === 'rejected' && !(r.reason instanceof ApiError)) throw r.reason;
  ctx.log.warn({ address: addressKey }, 'failed login');
}
