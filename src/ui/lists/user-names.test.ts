import { describe, expect, it } from 'vitest';
import { fakeDb } from '@/client/testing/fake-env';
import { fetchUserNames, readUserNames, saveUserNames } from './user-names';

const ANA = '0193a000-0000-7000-8000-0000000000a1';
const BEN = '0193a000-0000-7000-8000-0000000000b1';

const answer = (status: number, body: unknown): typeof fetch => async () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('names of users on the device', () => {
  it('keeps the names the server gave, by lower-case id, for reading offline', async () => {
    const db = fakeDb('user-names-keep');
    expect(await readUserNames(db)).toEqual(new Map());
    await saveUserNames(db, [{ id: ANA.toUpperCase(), name: 'Ana Field' }, { id: BEN, name: 'Ben Field' }]);
    expect(await readUserNames(db)).toEqual(new Map([[ANA, 'Ana Field'], [BEN, 'Ben Field']]));
    db.close();
  });

  it('renames and adds on a refresh but forgets no one', async () => {
    const db = fakeDb('user-names-merge');
    await saveUserNames(db, [{ id: ANA, name: 'Ana Field' }, { id: BEN, name: 'Ben Field' }]);
    // Ben left the sites: the server no longer lists him, but his records still carry his id.
    await saveUserNames(db, [{ id: ANA, name: 'Ana Field-Diallo' }]);
    expect(await readUserNames(db)).toEqual(new Map([[ANA, 'Ana Field-Diallo'], [BEN, 'Ben Field']]));
    db.close();
  });

  it('reads the server’s list, and nothing from a failed or malformed answer', async () => {
    const users = [{ id: ANA, name: 'Ana Field' }];
    let sent: RequestInit | undefined;
    const ok: typeof fetch = async (input, init) => {
      sent = init;
      expect(String(input)).toBe('/api/v1/sync/users');
      return answer(200, { users })(input, init);
    };
    expect(await fetchUserNames('tok', ok)).toEqual(users);
    expect(new Headers(sent?.headers).get('authorization')).toBe('Bearer tok');
    expect(await fetchUserNames('tok', answer(401, { error: { code: 'UNAUTHENTICATED', message: 'x' } }))).toBeNull();
    expect(await fetchUserNames('tok', answer(200, { users: [{ id: 'not-an-id', name: 'X' }] }))).toBeNull();
    expect(await fetchUserNames('tok', async () => Promise.reject(new TypeError('Failed to fetch')))).toBeNull();
  });
});
