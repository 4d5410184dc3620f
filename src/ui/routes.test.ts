import { describe, expect, it } from 'vitest';
import { href, parseRoute, type Route } from './routes';

const id = '0193a000-0000-7000-8000-00000000c001';

describe('hash routes', () => {
  const routes: Route[] = [
    { name: 'entities' },
    { name: 'entity', entityId: id },
    { name: 'new-assessment', entityId: id },
    { name: 'new-form-assessment', entityId: id, formId: '0193a000-0000-7000-8000-00000000f001' },
    { name: 'form-editor', formId: null },
    { name: 'form-editor', formId: '0193a000-0000-7000-8000-00000000f001' },
    { name: 'assessment', assessmentId: id },
    { name: 'edit-assessment', assessmentId: id },
    { name: 'new-response', assessmentId: id },
    { name: 'edit-response', responseId: id },
    { name: 'queue' },
    { name: 'conflicts' },
    { name: 'admin' },
    { name: 'reference' },
  ];

  it.each(routes)('formats and parses $name back to the same route', (route) => {
    expect(parseRoute(href(route))).toEqual(route);
  });

  it('opens the home screen for an empty or unknown hash', () => {
    expect(parseRoute('')).toEqual({ name: 'entities' });
    expect(parseRoute('#/nowhere/at/all')).toEqual({ name: 'entities' });
    expect(parseRoute('#/entities/<script>')).toEqual({ name: 'entities' });
  });
});
