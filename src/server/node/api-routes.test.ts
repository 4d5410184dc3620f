import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALLOW, ROUTE_METHODS, matchApiRoute } from './api-routes';

const APP_API = path.resolve(import.meta.dirname, '../../app/api');

describe('the API routing', () => {
  it('has one route file under src/app/api, the catch-all, so next dev routes by the same table', () => {
    const files = readdirSync(APP_API, { recursive: true, encoding: 'utf8' }).filter((f) => path.basename(f).startsWith('route.'));
    expect(files.map((f) => f.split(path.sep).join('/'))).toEqual(['[...path]/route.ts']);
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

  it('answers HEAD with the route\'s own HEAD handler where it lists one (tus uploads), with its body', () => {
    expect(matchApiRoute('HEAD', '/api/v1/media/uploads/0123abcd')).toEqual(handler('mediaUpload'));
    expect(matchApiRoute('PATCH', '/api/v1/media/uploads/0123abcd')).toEqual(handler('mediaUpload'));
    expect(matchApiRoute('GET', '/api/v1/media/uploads/0123abcd')).toEqual(handler('methodNotAllowed'));
    expect(matchApiRoute('HEAD', '/api/v1/media/m_1/content')).toEqual(handler('mediaContent', true));
    expect(matchApiRoute('HEAD', '/api/v1/media/uploads')).toEqual(handler('methodNotAllowed', true));
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
