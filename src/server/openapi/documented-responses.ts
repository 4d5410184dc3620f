// For tests: checks a real response against what the OpenAPI document says the route answers
// with that status, using a JSON Schema 2020-12 validator (ajv) on the document itself, so a
// schema that zod-openapi rendered wrongly fails as surely as a handler that drifted.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { API_ROUTES } from '../node/api-routes';
import { openApiDocument, openApiPath } from './document';

const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
const compiled = new Map<string, ValidateFunction>();

type Json = Record<string, unknown>;

/** The documented schema of `status` on `method path` (OpenAPI path), or why there is none. */
function validatorFor(path: string, method: string, status: number): ValidateFunction | string {
  const key = `${method} ${path} ${status}`;
  const cached = compiled.get(key);
  if (cached) return cached;
  const doc = openApiDocument() as unknown as { paths: Record<string, Record<string, { responses: Record<string, Json> }>> };
  const op = doc.paths[path]?.[method.toLowerCase()];
  if (!op) return `${method} ${path} is not in the document`;
  const response = op.responses[String(status)] as { content?: Record<string, { schema?: Json }> } | undefined;
  // Each status has one media type: JSON, or the route's own (metrics' Prometheus text).
  const schema = Object.values(response?.content ?? {})[0]?.schema;
  if (!schema) return `${method} ${path} does not document the status ${status}`;
  const v = ajv.compile(schema);
  compiled.set(key, v);
  return v;
}

/** The problems of `body` answered with `status` by `method path`; empty when it is documented. */
export function undocumented(path: string, method: string, status: number, body: unknown): string[] {
  const v = validatorFor(path, method, status);
  if (typeof v === 'string') return [v];
  if (v(body)) return [];
  return (v.errors ?? []).map((e) => `${method} ${path} ${status}: ${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

/** The response's JSON body, after checking it against the document (throws when it differs). */
export async function documentedBody(path: string, method: string, res: Response): Promise<unknown> {
  const body: unknown = await res.clone().json();
  const problems = undocumented(path, method, res.status, body);
  if (problems.length > 0) throw new Error(`response not as documented:\n${problems.join('\n')}\n${JSON.stringify(body).slice(0, 500)}`);
  return body;
}

/** The OpenAPI path of the route that serves `pathname` (`/api/v1/admin/users/{id}`), if any. */
export function documentedPath(pathname: string): string | undefined {
  const route = Object.keys(API_ROUTES).find((r) => new RegExp(`^${r.replace(/\[[^\]/]+\]/g, '[^/]+')}$`).test(pathname));
  return route === undefined ? undefined : openApiPath(route);
}

/** documentedBody for a request as sent: the route is found from its URL. */
export async function documentedResponse(method: string, url: string, res: Response): Promise<unknown> {
  const path = documentedPath(new URL(url).pathname);
  if (path === undefined) throw new Error(`no route serves ${url}`);
  return documentedBody(path, method, res);
}
