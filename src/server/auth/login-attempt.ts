// Which budgets a login attempt spends, spent BEFORE its password is checked, so that however
// many guesses arrive at once no more are checked than the budgets hold.
// - From a known device (a valid device token for this account): that device's own budget.
// - Otherwise: the client address's and the account's (the email as given, known or not, kept
//   as a hash: any text the client sends, bounded and storable). A denied account gives the
//   address its attempt back: nothing was checked.
// An attempt that was not checked (a full queue) gives back what it spent. A success gives the
// address its attempt back and makes the account's (or device's) budget whole: the owner got in.
import { createHash } from 'node:crypto';
import type { ServerContext } from '../context';
import type { Limiter } from '../http/rate-limit';

export interface Attempt {
  readonly spent: ReadonlyArray<readonly [Limiter, string]>;
  readonly owner: readonly [Limiter, string];
}

export async function spendAttempt(
  ctx: ServerContext,
  who: { readonly knownDevice: string | undefined; readonly email: string; readonly address: string },
): Promise<Attempt> {
  const { loginDevice, loginAddress, loginAccount } = ctx.limits;
  if (who.knownDevice !== undefined) {
    await loginDevice.consume(who.knownDevice);
    return { spent: [[loginDevice, who.knownDevice]], owner: [loginDevice, who.knownDevice] };
  }
  const account = createHash('sha256').update(who.email).digest('base64url');
  await loginAddress.consume(who.address);
  try {
    await loginAccount.consume(account);
  } catch (e) {
    await loginAddress.refund(who.address);
    throw e;
  }
  return {
    spent: [
      [loginAddress, who.address],
      [loginAccount, account],
    ],
    owner: [loginAccount, account],
  };
}

/** The attempt was not checked: it does not count. */
export async function refundAttempt(attempt: Attempt): Promise<void> {
  for (const [limiter, key] of attempt.spent) await limiter.refund(key);
}

/** The attempt succeeded. */
export async function settleSuccess(attempt: Attempt): Promise<void> {
  await refundAttempt(attempt);
  const [limiter, key] = attempt.owner;
  await limiter.clear(key);
}
