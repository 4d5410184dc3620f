// The names of the people whose records this device shows, from GET /api/v1/sync/users, kept in
// the device database (meta `userNames`) so lists name authors offline too. A refresh adds and
// renames but forgets no one: a user who left the sites still wrote the records they left.
import { type FieldsyncDb, getMeta, setMeta } from '@/client/db';
import { type UserName, UserNamesResponseSchema } from '@/protocol/users';

export const USER_NAMES_KEY = 'userNames';

/** The names known on this device, by user id (lower case, as ids may come in either case). */
export async function readUserNames(db: FieldsyncDb): Promise<Map<string, string>> {
  const stored = await getMeta<unknown>(db, USER_NAMES_KEY);
  const names = new Map<string, string>();
  if (stored && typeof stored === 'object' && !Array.isArray(stored))
    for (const [id, name] of Object.entries(stored)) if (typeof name === 'string' && name !== '') names.set(id.toLowerCase(), name);
  return names;
}

/** The stored names with `users` added over them; written only when something changed. */
export async function saveUserNames(db: FieldsyncDb, users: readonly UserName[]): Promise<void> {
  await db.transaction('rw', db.meta, async () => {
    const names = await readUserNames(db);
    let changed = false;
    for (const u of users) {
      const id = u.id.toLowerCase();
      if (u.name === '' || names.get(id) === u.name) continue;
      names.set(id, u.name);
      changed = true;
    }
    if (changed) await setMeta(db, USER_NAMES_KEY, Object.fromEntries(names));
  });
}

/** The server's list, or null when it could not be had (offline, signed out, a bad answer). */
export async function fetchUserNames(token: string, fetchFn: typeof fetch = (i, init) => globalThis.fetch(i, init)): Promise<UserName[] | null> {
  try {
    const res = await fetchFn('/api/v1/sync/users', { headers: { authorization: `Bearer ${token}` }, cache: 'no-store' });
    if (!res.ok) return null;
    const parsed = UserNamesResponseSchema.safeParse(await res.json());
    return parsed.success ? parsed.data.users : null;
  } catch {
    return null;
  }
}
