// Whose work this device database holds: the subject (user id) of the stored bearer token.
// Read from the token's payload without checking its signature: the server checks it on every
// request; here it only tells "you" from others and refuses another user's exported file.
import { type FieldsyncDb, META, getMeta } from './db';

/** The `sub` claim of a JWT, or null when the token is not a readable JWT. */
export function tokenSubject(token: string): string | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const b64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const json: unknown = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(b64.padEnd(Math.ceil(b64.length / 4) * 4, '=')), (c) => c.charCodeAt(0))));
    const sub = typeof json === 'object' && json !== null ? (json as { sub?: unknown }).sub : undefined;
    return typeof sub === 'string' && sub !== '' ? sub : null;
  } catch {
    return null;
  }
}

/** The signed-in user's id as this device knows it (null before the first sign-in). */
export async function currentUserId(db: FieldsyncDb): Promise<string | null> {
  const token = await getMeta<string>(db, META.token);
  return typeof token === 'string' ? tokenSubject(token) : null;
}
