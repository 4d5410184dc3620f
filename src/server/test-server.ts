// For tests: the real API on a fresh migrated database with the demo data, a manual clock,
// and a helper that logs a demo user in. No HTTP server: handlers are called directly.
import { type Api, createApi } from './api';
import { manualClock } from './clock';
import { type Config, testConfig } from './config';
import { type ServerContext, createContext } from './context';
import type { Database } from './db/database';
import { DEMO_PASSWORD, seedDemo } from './seed/demo';

export interface TestServer {
  readonly ctx: ServerContext;
  readonly api: Api;
  readonly clock: ReturnType<typeof manualClock>;
  /** Logs a user in through the real login handler and returns the bearer token. */
  token(email: string, password?: string): Promise<string>;
}

export async function createTestServer(database: Database, config: Partial<Config> = {}): Promise<TestServer> {
  await seedDemo(database.db);
  const clock = manualClock(Date.now());
  const ctx = await createContext({ database, config: testConfig(config), clock });
  const api = createApi(ctx);
  return {
    ctx,
    api,
    clock,
    token: async (email, password = DEMO_PASSWORD) => {
      const api_ = api as Record<string, (r: Request) => Promise<Response>>;
      const login = api_.login;
      if (!login) throw new Error('login handler not wired');
      const res = await login(
        new Request('http://test/api/v1/auth/login', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password }),
        }),
      );
      if (res.status !== 200) throw new Error(`login of ${email} failed: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { token: string }).token;
    },
  };
}
