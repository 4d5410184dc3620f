import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALLOW, API_ROUTES, CATCH_ALL, ROUTE_METHODS, matchApiRoute } from './api-routes';

const APP_API = path.resolve(import.meta.dirname, '../../app/api');

/** Every route.ts under src/app/api as its URL path (`[...path]` kept) and its exports. */
function routeFiles(): Array<{ path: string; exports: Record<string, string> }> {
  const files = readdirSync(APP_API, { recursive: true, encoding: 'utf8' }).filter((f) => path.basename(f) === 'route.ts');
  return files.map((f) => {
    const dir = path.dirname(f).split(path.sep).join('/');
    const source = readFileSync(path.join(APP_API, f), 'utf8');
    const exports: Record<string, string> = {};
    for (const line of source.split('\n')) {
      if (!line.startsWith('export')) continue;
      const m = /^export const ([A-Z]+) = route\('(\w+)'\);$/.exec(line.trim());
      if (!m) throw new Error(`${f}: an export the table cannot say: ${line}`);
      exports[m[1]!] = m[2]!;
    }
    return { path: dir === '.' ? '/api' : `/api/${dir}`, exports };
  });
}

const expectedExports = (methods: Partial<Record<string, string>>, otherwise: string) =>
  Object.fromEntries(ROUTE_METHODS.map((m) => [m, methods[m] ?? otherwise]));

describe('the API routing table', () => {
  const files = routeFiles();

  it('lists exactly the paths that have a route file, besides the catch-all', () => {
    const paths = files.map((f) => f.path).filter((p) => p !== '/api/[...path]');
    expect(paths.sort()).toEqual(Object.keys(API_ROUTES).sort());
    expect(files.map((f) => f.path)).toContain('/api/[...path]');
  });

  it('names the handler each route file exports for each method, methodNotAllowed for the rest', () => {
    for (const f of files) {
      if (f.path === '/api/[...path]') continue;
      const methods = API_ROUTES[f.path as keyof typeof API_ROUTES];
      expect(f.exports, f.path).toEqual(expectedExports(methods, 'methodNotAllowed'));
    }
  });

  it('answers every method of every other path with the catch-all route file', () => {
    const catchAll = files.find((f) => f.path === '/api/[...path]')!;
    expect(catchAll.exports).toEqual(expectedExports({}, CATCH_ALL));
  });
});

describe('matchApiRoute', () => {
  const handler = (name: string, head = false) => ({ kind: 'handler', name, head });

  it('gives the listed handler, and methodNotAllowed for the other methods of a path', () => {
    expect(matchApiRoute('GET', '/api/v1/health')).toEqual(handler('health'));
    expect(matchApiRoute('POST', '/api/v1/sync/batch')).toEqual(handler('syncPush'));
    expect(matchApiRoute('POST', '/api/v1/health')).toEqual(handler('methodNotAllowed'));
    expect(matchApiRoute('DELETE', '/api/v1/sync/batch')).toEqual(handler('methodNotAllowed'));
  });

  it('matches the dynamic segment as any one segment', () => {
    expect(matchApiRoute('PUT', '/api/v1/admin/users/u_1/assignments')).toEqual(handler('adminReplaceAssignments'));
    expect(matchApiRoute('POST', '/api/v1/admin/users/u_1/assignments')).toEqual(handler('methodNotAllowed'));
    expect(matchApiRoute('PUT', '/api/v1/admin/users/a/b/assignments')).toEqual(handler('notFound'));
  });

  it('answers unknown paths under /api/ with notFound, whatever the method', () => {
    for (const m of ROUTE_METHODS) expect(matchApiRoute(m, '/api/v1/nope')).toEqual(handler('notFound'));
    expect(matchApiRoute('GET', '/api/nope')).toEqual(handler('notFound'));
    expect(matchApiRoute('GET', '/api/v1/Health')).toEqual(handler('notFound'));
    expect(matchApiRoute('GET', '/api/v1/health.json')).toEqual(handler('notFound'));
  });

  it('answers HEAD with the GET handler, flagged to send no body', () => {
    expect(matchApiRoute('HEAD', '/api/v1/health')).toEqual(handler('health', true));
    expect(matchApiRoute('HEAD', '/api/v1/sync/batch')).toEqual(handler('methodNotAllowed', true));
    expect(matchApiRoute('HEAD', '/api/v1/nope')).toEqual(handler('notFound', true));
  });

  it('answers OPTIONS itself, with every method allowed', () => {
    expect(matchApiRoute('OPTIONS', '/api/v1/health')).toEqual({ kind: 'options' });
    expect(matchApiRoute('OPTIONS', '/api/v1/nope')).toEqual({ kind: 'options' });
    expect(ALLOW).toBe('DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT');
  });

  it('leaves to Next.js the paths it redirects first, and /api itself', () => {
    for (const p of [
      '/api',
      '/api/',
      '/api/v1/health/',
      '/api//v1/health',
      '/api/v1/./health',
      '/api/v1/../v1/health',
      '/api/v1/health/.',
      '/api\\v1\\health',
      '/API/v1/health',
      '/apiv1/health',
      '/',
    ])
      expect(matchApiRoute('GET', p), p).toBeNull();
  });

  it('answers the path as decoded, and a malformed percent-escape itself', () => {
    expect(matchApiRoute('GET', '/api/v1/%68ealth')).toEqual(handler('health'));
    expect(matchApiRoute('GET', '/api/v1%2Fhealth')).toEqual(handler('notFound'));
    expect(matchApiRoute('GET', '/api/v1/he%20alth')).toEqual(handler('notFound'));
    for (const p of ['/api/v1/%', '/api/v1/%zz/health', '/api/%E0%A4%A', '/api/v1/health%'])
      expect(matchApiRoute('GET', p), p).toEqual({ kind: 'malformed' });
  });

  it('answers any method a route file cannot export itself, on every path under /api/', () => {
    for (const m of ['TRACE', 'CONNECT', 'PROPFIND', 'TRACK', undefined])
      expect(matchApiRoute(m, '/api/v1/health'), m).toEqual({ kind: 'unsupported-method' });
    expect(matchApiRoute('TRACE', '/api/v1/%')).toEqual({ kind: 'unsupported-method' });
    expect(matchApiRoute('TRACE', '/api/v1/health/')).toEqual({ kind: 'unsupported-method' });
  });
});
