// The admin's hand in a chaos run: assignments taken away and given back, users deactivated and
// reactivated, through the real admin API of an instance (straight, not through the fault
// proxy). Each call is retried until it goes through, since the instance or the database may
// be down at that moment: a restore that gave up would leave the run's end state wrong.
import { DEMO_PASSWORD } from '@/server/seed/demo';

// Timeouts are generous and the token is kept while it works: on a loaded machine a login
// (scrypt) per call, abandoned after a few seconds, can keep a restore from ever landing.
const CALL_TIMEOUT_MS = 30_000;

export class AdminClient {
  private token: string | null = null;

  constructor(private readonly urls: () => readonly string[]) {}

  private async login(base: string): Promise<string> {
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@demo.fieldsync', password: DEMO_PASSWORD }),
      signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
    });
    const { token } = (await login.json()) as { token?: string };
    if (!token) throw new Error(`admin login: ${login.status}`);
    return token;
  }

  private async once(method: string, path: string, body?: unknown): Promise<unknown> {
    const urls = this.urls();
    if (urls.length === 0) throw new Error('no instance is up');
    const base = urls[Math.floor(Math.random() * urls.length)]!;
    const token = (this.token ??= await this.login(base));
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
    });
    const out = (await res.json()) as unknown;
    if (res.status === 401) this.token = null;
    if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(out)}`);
    return out;
  }

  async call(method: string, path: string, body?: unknown, tries = 100): Promise<unknown> {
    let last: unknown;
    for (let i = 0; i < tries; i++) {
      try {
        return await this.once(method, path, body);
      } catch (e) {
        last = e;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    throw new Error(`admin call kept failing: ${String(last)}`);
  }

  async userIds(): Promise<Map<string, string>> {
    const out = (await this.call('GET', '/api/v1/admin/users?limit=100')) as { users: Array<{ id: string; email: string }> };
    return new Map(out.users.map((u) => [u.email, u.id]));
  }

  setAssignments(userId: string, entityIds: readonly string[]): Promise<unknown> {
    return this.call('PUT', `/api/v1/admin/users/${userId}/assignments`, { entityIds });
  }

  setActive(userId: string, active: boolean): Promise<unknown> {
    return this.call('PATCH', `/api/v1/admin/users/${userId}`, { active });
  }
}
