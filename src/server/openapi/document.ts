// The OpenAPI 3.1 document of the API, built from the routing table (API_ROUTES) and the
// description of each route (route-docs.ts) by zod-openapi, which renders the protocol's zod
// schemas as JSON Schema. Served at GET /api/v1/openapi.json and read by the API reference page.
import { z } from 'zod';
import { type ZodOpenApiOperationObject, type ZodOpenApiPathsObject, type ZodOpenApiResponsesObject, createDocument } from 'zod-openapi';
import { type ErrorCode, ErrorBodySchema } from '@/protocol/errors';
import { API_ROUTES, type RouteMethod } from '../node/api-routes';
import { ERROR_STATUS } from './error-statuses';
import { PathIdSchema, ROUTE_DOCS, type RouteDoc } from './route-docs';

type OpenApiDocument = ReturnType<typeof createDocument>;

/** `/api/v1/admin/users/[id]` as OpenAPI writes it: `/api/v1/admin/users/{id}`. */
export function openApiPath(route: string): string {
  return route.replace(/\[([^\]/]+)\]/g, '{$1}');
}

/** Every error code a route may answer: its own, and those every route of its kind shares. */
export function errorCodesOf(doc: RouteDoc): ErrorCode[] {
  const codes = new Set<ErrorCode>(doc.errors);
  if (doc.access !== 'public') codes.add('UNAUTHENTICATED');
  if (doc.body) for (const c of ['BAD_REQUEST', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'] as const) codes.add(c);
  if (doc.query) codes.add('BAD_REQUEST');
  // Every route is bounded in requests and work in flight (429, or 503 when the server or its
  // database is busy or down), and any may fail unexpectedly (500).
  for (const c of ['RATE_LIMITED', 'UNAVAILABLE', 'INTERNAL'] as const) codes.add(c);
  return [...codes];
}

function errorBodyFor(codes: ErrorCode[]) {
  return z.object({ error: ErrorBodySchema.shape.error.extend({ code: z.enum(codes as [ErrorCode, ...ErrorCode[]]) }) });
}

function responsesOf(doc: RouteDoc): ZodOpenApiResponsesObject {
  const responses: ZodOpenApiResponsesObject = {};
  for (const [status, r] of Object.entries(doc.responses))
    responses[status as '200'] = { description: r.description, content: { [r.contentType ?? 'application/json']: { schema: r.schema } } };
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of errorCodesOf(doc)) {
    const status = ERROR_STATUS[code];
    if (doc.responses[status]) continue; // the route answers this status with its own body
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b))
    responses[String(status) as '400'] = {
      description: codes.join(', '),
      content: { 'application/json': { schema: errorBodyFor(codes) } },
    };
  return responses;
}

function operationOf(route: string, method: RouteMethod, doc: RouteDoc): ZodOpenApiOperationObject {
  return {
    operationId: `${method.toLowerCase()}${route.replace(/^\/api\/v1/, '').replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
    summary: doc.summary,
    description: [doc.description, `Access: ${doc.access}.`].filter(Boolean).join(' '),
    ...(doc.access === 'public' ? { security: [] } : {}),
    ...(doc.query || route.includes('[')
      ? { requestParams: { ...(doc.query ? { query: doc.query } : {}), ...(route.includes('[') ? { path: PathIdSchema } : {}) } }
      : {}),
    ...(doc.body ? { requestBody: { required: true, content: { 'application/json': { schema: doc.body } } } } : {}),
    responses: responsesOf(doc),
  };
}

export function buildOpenApiDocument(): OpenApiDocument {
  const paths: ZodOpenApiPathsObject = {};
  for (const [route, methods] of Object.entries(API_ROUTES)) {
    const docs = ROUTE_DOCS[route as keyof typeof ROUTE_DOCS] as Partial<Record<RouteMethod, RouteDoc>>;
    const item: Record<string, ZodOpenApiOperationObject> = {};
    for (const method of Object.keys(methods) as RouteMethod[]) {
      const doc = docs[method];
      if (doc) item[method.toLowerCase()] = operationOf(route, method, doc);
    }
    paths[openApiPath(route)] = item;
  }
  return createDocument(
    {
      openapi: '3.1.0',
      info: {
        title: 'Fieldsync API',
        version: '1',
        description: 'The wire protocol of Fieldsync (docs/protocol.md). Every error body is {"error": {"code", "message", "details"?}}.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
      paths,
    },
    {
      // The protocol's z.custom schemas are JSON objects checked in code (records.ts).
      override: ({ jsonSchema, zodSchema }) => {
        if (zodSchema._zod.def.type === 'custom') jsonSchema.type = 'object';
      },
    },
  );
}

let built: OpenApiDocument | undefined;

/** The document, built once per process (it depends on code only). */
export function openApiDocument(): OpenApiDocument {
  built ??= buildOpenApiDocument();
  return built;
}
