// Where `npm start` may serve the demo users, and how it reads the address it will listen on.
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../src/server/db/database';
import { serverOptions } from '../src/server/node/server-options';
import { DEMO_USERS, seedDemo } from '../src/server/seed/demo';
import { createTempDatabase } from '../e2e/support/postgres';
import { ALLOW_DEMO_REMOTE, DEMO_EMAIL_DOMAIN, demoRefusal, isLoopback, postgresHasDemoUsers } from './demo-exposure.mjs';
import { listenAddress } from './server-command.mjs';

describe('isLoopback', () => {
  it('accepts only addresses of this machine', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', '::1', '[::1]', '::ffff:127.0.0.1']) expect(isLoopback(h), h).toBe(true);
    for (const h of [undefined, '0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'example.org', '::ffff:10.0.0.1']) expect(isLoopback(h), String(h)).toBe(false);
  });
});

describe('demoRefusal', () => {
  it('refuses demo users beyond loopback, naming the way out', () => {
    const message = demoRefusal({ hostname: '0.0.0.0', demoUsers: true, env: {} });
    expect(message).toMatch(/refusing to listen on 0\.0\.0\.0/);
    expect(message).toContain(`${ALLOW_DEMO_REMOTE}=1`);
    expect(demoRefusal({ hostname: undefined, demoUsers: true, env: {} })).toMatch(/every interface/);
  });

  it('allows loopback, a database without demo users, or the explicit flag', () => {
    expect(demoRefusal({ hostname: '127.0.0.1', demoUsers: true, env: {} })).toBeNull();
    expect(demoRefusal({ hostname: '0.0.0.0', demoUsers: false, env: {} })).toBeNull();
    expect(demoRefusal({ hostname: '0.0.0.0', demoUsers: true, env: { [ALLOW_DEMO_REMOTE]: '1' } })).toBeNull();
    expect(demoRefusal({ hostname: '0.0.0.0', demoUsers: true, env: { [ALLOW_DEMO_REMOTE]: 'yes' } })).not.toBeNull();
  });

  it('knows the demo users by the domain every one of them has', () => {
    for (const u of DEMO_USERS) expect(u.email.endsWith(DEMO_EMAIL_DOMAIN), u.email).toBe(true);
  });
});

describe('listenAddress', () => {
  it('reads the arguments and environment as the server does', () => {
    const cases: Array<[string[], Record<string, string>]> = [
      [[], {}],
      [[], { HOST: '0.0.0.0', PORT: '4000' }],
      [[], { HOSTNAME: 'c0ffee123' }],
      [['--hostname', '::1', '-p', '5000'], { HOST: '0.0.0.0' }],
      [['-H', '192.168.1.10', '--port=5001'], {}],
      [['--hostname='], {}],
    ];
    for (const [args, env] of cases) expect(listenAddress(args, env), JSON.stringify([args, env])).toEqual(serverOptions(args, env));
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)('postgresHasDemoUsers', () => {
  it('is false on a new database and after deactivation, true once demo users are seeded', async () => {
    const temp = await createTempDatabase(process.env.TEST_DATABASE_URL!, 'fs_demo_exposure');
    try {
      expect(await postgresHasDemoUsers(temp.url)).toBe(false);
      const database = await openDatabase({ url: temp.url, poolSize: 1 });
      try {
        await database.migrate();
        expect(await postgresHasDemoUsers(temp.url)).toBe(false);
        await seedDemo(database.db);
        expect(await postgresHasDemoUsers(temp.url)).toBe(true);
        await database.db.execute(`update users set deactivated_at = now() where email like '%${DEMO_EMAIL_DOMAIN}'`);
        expect(await postgresHasDemoUsers(temp.url)).toBe(false);
      } finally {
        await database.close();
      }
    } finally {
      await temp.drop();
    }
  });
});
