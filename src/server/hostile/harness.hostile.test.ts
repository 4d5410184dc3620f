// The harness itself: a real server process comes up healthy, with demo users, on each database.
import { expect, it } from 'vitest';
import { describeEachServer, loginAs } from './harness';

describeEachServer('hostile harness', { heapMb: 256 }, (server) => {
  it('starts a healthy server a demo user can log in to', async () => {
    const res = await fetch(`${server().url}/api/v1/health`);
    expect(res.status).toBe(200);
    expect(await loginAs(server().url, 'ana@demo.fieldsync')).toMatch(/^ey/);
  });

  it('answers a path outside the API with JSON 404, not a Next.js page', async () => {
    const res = await fetch(`${server().url}/some/page`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });

  it('reports the process alive and its resident memory', async () => {
    expect(server().alive()).toBe(true);
    expect(server().rssBytes()).toBeGreaterThan(10 * 1024 * 1024);
  });
});
