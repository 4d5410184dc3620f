// Screens as hash routes of the one page "/": the service worker serves "/" from its precache,
// so every screen opens offline and survives a reload. Pure: parse and format only.
export type Route =
  | { readonly name: 'entities' }
  | { readonly name: 'entity'; readonly entityId: string }
  | { readonly name: 'new-assessment'; readonly entityId: string }
  | { readonly name: 'new-form-assessment'; readonly entityId: string; readonly formId: string }
  | { readonly name: 'assessment'; readonly assessmentId: string }
  | { readonly name: 'edit-assessment'; readonly assessmentId: string }
  | { readonly name: 'new-response'; readonly assessmentId: string }
  | { readonly name: 'edit-response'; readonly responseId: string }
  | { readonly name: 'queue' }
  | { readonly name: 'conflicts' }
  | { readonly name: 'admin' }
  | { readonly name: 'reference' }
  | { readonly name: 'form-editor'; readonly formId: string | null };

const ID = '([0-9A-Za-z-]{1,64})';
const PATTERNS: ReadonlyArray<[RegExp, (m: RegExpMatchArray) => Route]> = [
  [/^\/?$/, () => ({ name: 'entities' })],
  [new RegExp(`^/entities/${ID}$`), (m) => ({ name: 'entity', entityId: m[1]! })],
  [new RegExp(`^/entities/${ID}/new$`), (m) => ({ name: 'new-assessment', entityId: m[1]! })],
  [new RegExp(`^/entities/${ID}/forms/${ID}/new$`), (m) => ({ name: 'new-form-assessment', entityId: m[1]!, formId: m[2]! })],
  [/^\/forms$/, () => ({ name: 'form-editor', formId: null })],
  [new RegExp(`^/forms/${ID}$`), (m) => ({ name: 'form-editor', formId: m[1]! })],
  [new RegExp(`^/assessments/${ID}$`), (m) => ({ name: 'assessment', assessmentId: m[1]! })],
  [new RegExp(`^/assessments/${ID}/edit$`), (m) => ({ name: 'edit-assessment', assessmentId: m[1]! })],
  [new RegExp(`^/assessments/${ID}/responses/new$`), (m) => ({ name: 'new-response', assessmentId: m[1]! })],
  [new RegExp(`^/responses/${ID}/edit$`), (m) => ({ name: 'edit-response', responseId: m[1]! })],
  [/^\/queue$/, () => ({ name: 'queue' })],
  [/^\/conflicts$/, () => ({ name: 'conflicts' })],
  [/^\/admin$/, () => ({ name: 'admin' })],
  [/^\/reference$/, () => ({ name: 'reference' })],
];

/** The route of a location hash ("#/entities/…"); anything unknown is the home screen. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').split('?')[0] ?? '';
  for (const [re, make] of PATTERNS) {
    const m = path.match(re);
    if (m) return make(m);
  }
  return { name: 'entities' };
}

export function href(route: Route): string {
  switch (route.name) {
    case 'entities':
      return '#/';
    case 'entity':
      return `#/entities/${route.entityId}`;
    case 'new-assessment':
      return `#/entities/${route.entityId}/new`;
    case 'new-form-assessment':
      return `#/entities/${route.entityId}/forms/${route.formId}/new`;
    case 'form-editor':
      return route.formId === null ? '#/forms' : `#/forms/${route.formId}`;
    case 'assessment':
      return `#/assessments/${route.assessmentId}`;
    case 'edit-assessment':
      return `#/assessments/${route.assessmentId}/edit`;
    case 'new-response':
      return `#/assessments/${route.assessmentId}/responses/new`;
    case 'edit-response':
      return `#/responses/${route.responseId}/edit`;
    case 'queue':
      return '#/queue';
    case 'conflicts':
      return '#/conflicts';
    case 'admin':
      return '#/admin';
    case 'reference':
      return '#/reference';
  }
}
