// The device token each account's login gave this device (PROTOCOL "Identity and access",
// deviceToken), kept in localStorage apart from the session so that it outlives sign-out. Sent
// on later logins, it lets this device in while strangers have the account locked out.
const KEY = 'fieldsync.deviceTokens';

type Tokens = Record<string, string>;

const accountKey = (email: string) => email.trim().toLowerCase();

function read(storage: Storage | undefined): Tokens {
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(KEY) ?? '{}');
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Tokens) : {};
  } catch {
    return {};
  }
}

export function deviceTokenFor(email: string, storage: Storage | undefined = globalThis.localStorage): string | undefined {
  const token = read(storage)[accountKey(email)];
  return typeof token === 'string' ? token : undefined;
}

export function keepDeviceToken(email: string, token: string, storage: Storage | undefined = globalThis.localStorage): void {
  if (!storage) return;
  try {
    storage.setItem(KEY, JSON.stringify({ ...read(storage), [accountKey(email)]: token }));
  } catch {
    // A full or blocked storage: the next login is a stranger's, which still works.
  }
}
