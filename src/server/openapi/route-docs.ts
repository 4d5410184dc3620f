// What the OpenAPI document says about each route of API_ROUTES: its schemas (the protocol's
// zod schemas, never copies), its success responses and the error codes it may answer. The
// type makes every route and method of the table need an entry, so a new route does not build
// until it is described; document.ts adds the errors every route shares.
import { z } from 'zod';
import {
  AdminEntitiesResponseSchema,
  AdminListQuerySchema,
  AdminUsersResponseSchema,
  AssignmentsRequestSchema,
  AssignmentsResponseSchema,
  CreateEntityRequestSchema,
  CreateEntityResponseSchema,
  CreateUserRequestSchema,
  CreateUserResponseSchema,
  RenameEntityRequestSchema,
  UpdateUserRequestSchema,
  UpdateUserResponseSchema,
} from '@/protocol/admin';
import { LoginRequestSchema, LoginResponseSchema } from '@/protocol/auth';
import { FormsResponseSchema, PublishFormRequestSchema, PublishFormResponseSchema } from '@/protocol/forms';
import { ConflictsPageSchema, ConflictsQuerySchema, ResolveRequestSchema, ResolveResponseSchema } from '@/protocol/conflicts';
import type { ErrorCode } from '@/protocol/errors';
import { PullQuerySchema, PullResponseSchema } from '@/protocol/pull';
import { ChangeSchema, PushRequestSchema, PushResponseSchema } from '@/protocol/push';
import { IdSchema } from '@/protocol/records';
import { HealthResponseSchema, SyncStatusResponseSchema } from '@/protocol/status';
import { UserNamesResponseSchema } from '@/protocol/users';
import type { API_ROUTES } from '../node/api-routes';

export interface RouteDoc {
  readonly summary: string;
  readonly description?: string;
  /** Who may call it: `public` needs no token. */
  readonly access: 'public' | 'any user' | 'admin' | 'admin or coordinator';
  readonly query?: z.ZodObject;
  readonly body?: z.ZodType;
  /** Responses that are not the error body, by status. */
  readonly responses: Readonly<Record<number, { readonly description: string; readonly schema: z.ZodType; /** Default application/json. */ readonly contentType?: string }>>;
  /** Error codes particular to this route (document.ts adds the shared ones). */
  readonly errors: readonly ErrorCode[];
}

type Routes = typeof API_ROUTES;
export type RouteDocs = { readonly [P in keyof Routes]: { readonly [M in keyof Routes[P]]: RouteDoc } };

const ok = (description: string, schema: z.ZodType) => ({ 200: { description, schema } });
const created = (description: string, schema: z.ZodType) => ({ 201: { description, schema } });

/** The path parameter of `[id]` routes. */
export const PathIdSchema = z.object({ id: IdSchema });

export const ROUTE_DOCS: RouteDocs = {
  '/api/v1/health': {
    GET: {
      summary: 'Whether the server and its database answer',
      access: 'public',
      responses: {
        200: { description: 'the server and its database answer', schema: HealthResponseSchema },
        503: { description: 'the instance is draining (SIGTERM), or the database does not answer (with Retry-After)', schema: HealthResponseSchema },
      },
      errors: [],
    },
  },
  '/api/v1/health/live': {
    GET: {
      summary: 'Liveness: whether the process answers',
      description: 'Does not touch the database: an orchestrator restarts the process when this fails, and takes it out of rotation when /api/v1/health (readiness) does.',
      access: 'public',
      responses: ok('the process is running', z.object({ status: z.literal('ok') })),
      errors: [],
    },
  },
  '/api/v1/metrics': {
    GET: {
      summary: "The instance's metrics, in Prometheus text format",
      description: 'For a bearer equal to FIELDSYNC_METRICS_TOKEN (a scrape job) or an admin\'s token. Each instance reports its own; scrape every instance.',
      access: 'admin',
      responses: { 200: { description: 'Prometheus text exposition format 0.0.4', schema: z.string(), contentType: 'text/plain; version=0.0.4' } },
      errors: ['FORBIDDEN'],
    },
  },
  '/api/v1/openapi.json': {
    GET: {
      summary: 'This document',
      access: 'public',
      responses: ok('the OpenAPI 3.1 document of this API', z.record(z.string(), z.unknown())),
      errors: [],
    },
  },
  '/api/v1/auth/login': {
    POST: {
      summary: 'Log in with email and password',
      description: 'An unknown email, a wrong password and a deactivated user get the same 401 INVALID_CREDENTIALS.',
      access: 'public',
      body: LoginRequestSchema,
      responses: ok('a bearer token for the other endpoints', LoginResponseSchema),
      errors: ['VALIDATION', 'INVALID_CREDENTIALS'],
    },
  },
  '/api/v1/admin/users': {
    GET: {
      summary: 'List users',
      description: 'An admin sees everyone; a coordinator sees the people of their own entities (only those entity ids), read-only. Ordered by email; pass `next` as `after` for the next page.',
      access: 'admin or coordinator',
      query: AdminListQuerySchema,
      responses: ok('a page of users', AdminUsersResponseSchema),
      errors: ['VALIDATION', 'FORBIDDEN'],
    },
    POST: {
      summary: 'Create a user',
      access: 'admin',
      body: CreateUserRequestSchema,
      responses: created('the user', CreateUserResponseSchema),
      errors: ['VALIDATION', 'FORBIDDEN', 'CONFLICT'],
    },
  },
  '/api/v1/admin/users/[id]': {
    PATCH: {
      summary: "Change a user's name or role, deactivate or reactivate them, or reset their password",
      description: 'A deactivated user\'s tokens stop working at their next request, and they cannot log in. An admin cannot deactivate or demote their own account (409).',
      access: 'admin',
      body: UpdateUserRequestSchema,
      responses: ok('the user as changed', UpdateUserResponseSchema),
      errors: ['VALIDATION', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'],
    },
  },
  '/api/v1/admin/users/[id]/assignments': {
    PUT: {
      summary: "Replace the set of entities assigned to a user",
      access: 'admin',
      body: AssignmentsRequestSchema,
      responses: ok('the assigned entity ids, sorted', AssignmentsResponseSchema),
      errors: ['VALIDATION', 'FORBIDDEN', 'NOT_FOUND'],
    },
  },
  '/api/v1/admin/entities': {
    GET: {
      summary: 'List entities (sites)',
      description: 'An admin sees every entity, a coordinator their own. Ordered by name; pass `next` as `after` for the next page.',
      access: 'admin or coordinator',
      query: AdminListQuerySchema,
      responses: ok('a page of entities', AdminEntitiesResponseSchema),
      errors: ['VALIDATION', 'FORBIDDEN'],
    },
    POST: {
      summary: 'Create an entity (site)',
      access: 'admin',
      body: CreateEntityRequestSchema,
      responses: created('the entity', CreateEntityResponseSchema),
      errors: ['VALIDATION', 'FORBIDDEN', 'CONFLICT'],
    },
  },
  '/api/v1/admin/entities/[id]': {
    PATCH: {
      summary: 'Rename an entity',
      description: 'The new name reaches its users with their next pull.',
      access: 'admin',
      body: RenameEntityRequestSchema,
      responses: ok('the entity as renamed', CreateEntityResponseSchema),
      errors: ['VALIDATION', 'FORBIDDEN', 'NOT_FOUND'],
    },
  },
  '/api/v1/admin/forms': {
    POST: {
      summary: 'Publish a form (questionnaire) version',
      description:
        'Without id, or with a new one: version 1; with an existing id: its next version. Versions are immutable. entityIds omitted or null: every entity (admin only); a coordinator publishes only for entities all assigned to them. A definition that does not follow the format (docs/protocol.md "Forms") → 400 VALIDATION with details {path, message} of the first problem.',
      access: 'admin or coordinator',
      body: PublishFormRequestSchema,
      responses: created('the form version published', PublishFormResponseSchema),
      errors: ['VALIDATION', 'FORBIDDEN', 'NOT_FOUND', 'PAYLOAD_TOO_LARGE'],
    },
  },
  '/api/v1/forms': {
    GET: {
      summary: "Every published version of the forms usable in the caller's entities",
      description: 'With an ETag: If-None-Match naming it answers 304 with no body, so a device revalidates its copy cheaply. entityIds null: usable in every entity.',
      access: 'any user',
      responses: {
        200: { description: 'the forms, by id then version', schema: FormsResponseSchema },
        304: { description: 'not modified (If-None-Match named the ETag); no body', schema: z.string(), contentType: 'text/plain' },
      },
      errors: [],
    },
  },
  '/api/v1/sync/batch': {
    POST: {
      summary: 'Push a batch of changes',
      description: 'Each change is applied, lost under last-write-wins (kept in the conflict log), or refused on its own; the batch is one transaction. A changeId is applied at most once.',
      access: 'any user',
      body: PushRequestSchema.extend({ changes: z.array(ChangeSchema).min(1) }),
      responses: ok('one result per change, sorted by outcome', PushResponseSchema),
      errors: [],
    },
  },
  '/api/v1/sync/pull': {
    GET: {
      summary: "Pull the caller's changes since a cursor",
      access: 'any user',
      query: PullQuerySchema,
      responses: ok('a page of the feed and the next cursor', PullResponseSchema),
      errors: ['INVALID_CURSOR'],
    },
  },
  '/api/v1/sync/conflicts': {
    GET: {
      summary: 'The conflict log of the entities the caller may see',
      access: 'any user',
      query: ConflictsQuerySchema,
      responses: ok('a page of conflict log entries, newest first', ConflictsPageSchema),
      errors: ['VALIDATION', 'FORBIDDEN', 'INVALID_CURSOR'],
    },
  },
  '/api/v1/sync/resolve': {
    POST: {
      summary: 'Resolve a conflict: accept the outcome or restore the losing write',
      access: 'admin or coordinator',
      body: ResolveRequestSchema,
      responses: ok('the resolved entry (open again after undo_restore), and the record written by restore_loser or undo_restore', ResolveResponseSchema),
      errors: ['VALIDATION', 'FORBIDDEN', 'NOT_FOUND', 'ALREADY_RESOLVED'],
    },
  },
  '/api/v1/sync/status': {
    GET: {
      summary: "The caller's sync status",
      access: 'any user',
      responses: ok('server clock, open conflicts, last push and pull', SyncStatusResponseSchema),
      errors: [],
    },
  },
  '/api/v1/sync/users': {
    GET: {
      summary: 'Names of the users who may have written what the caller sees',
      description:
        "The caller, every user assigned to one of the caller's entities, and the admins, by id and name (deactivated users too: their records keep their id). At most 5000, the caller first.",
      access: 'any user',
      responses: ok('the users, by id and name', UserNamesResponseSchema),
      errors: [],
    },
  },
  '/api/v1/sync/events': {
    GET: {
      summary: 'Live updates: a Server-Sent Events stream of hints',
      description:
        'Events: `changes` {entityIds} (records of those entities changed: pull), `conflicts` {open} (coordinators and admins: the open conflicts they may resolve), `overwritten` {recordIds} (another user replaced your applied write). A comment line every 25 s; the stream ends when the token expires. Streams are bounded per user and per instance (429). Hints only: pull stays the source of records.',
      access: 'any user',
      responses: { 200: { description: 'the event stream', schema: z.string(), contentType: 'text/event-stream' } },
      errors: [],
    },
  },
  '/api/v1/media/uploads': {
    POST: {
      summary: 'Create a tus upload for the content of a media record',
      description:
        'tus 1.0.0 creation (Tus-Resumable: 1.0.0, Upload-Length, Upload-Metadata naming mediaId). The media record must be live in an entity the caller may write; Upload-Length must equal its data.size, its contentType be accepted and its fileName hold no path separator. Content already stored: 201 with Upload-Offset equal to Upload-Length, and no bytes need to travel. Errors come as the JSON error body.',
      access: 'any user',
      responses: {
        201: { description: 'created (Location: the upload URL; Upload-Offset; Upload-Expires); no body', schema: z.string(), contentType: 'text/plain' },
        460: { description: 'the content sent with the creation does not match the record\'s sha256; nothing was stored', schema: z.object({ error: z.object({ code: z.literal('CHECKSUM_MISMATCH'), message: z.string() }) }) },
      },
      errors: ['VALIDATION', 'BAD_REQUEST', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'],
    },
  },
  '/api/v1/media/uploads/[id]': {
    HEAD: {
      summary: 'The offset to resume an upload from',
      description: 'tus HEAD: Upload-Offset and Upload-Length headers. Only the user who created the upload (or, once complete, a reader of its record).',
      access: 'any user',
      responses: { 200: { description: 'Upload-Offset, Upload-Length; no body', schema: z.string(), contentType: 'text/plain' } },
      errors: ['BAD_REQUEST', 'NOT_FOUND'],
    },
    PATCH: {
      summary: 'Append bytes to an upload',
      description:
        'tus PATCH (Content-Type: application/offset+octet-stream, Upload-Offset). A wrong offset, or another request writing the same upload on any instance, is 409. When the last byte arrives the content is checked against the record\'s sha256: a mismatch discards the upload (460 CHECKSUM_MISMATCH).',
      access: 'any user',
      responses: {
        204: { description: 'appended (Upload-Offset: the new offset)', schema: z.string(), contentType: 'text/plain' },
        460: { description: 'the content does not match the record\'s sha256; the upload was discarded', schema: z.object({ error: z.object({ code: z.literal('CHECKSUM_MISMATCH'), message: z.string() }) }) },
      },
      errors: ['BAD_REQUEST', 'NOT_FOUND', 'CONFLICT', 'PAYLOAD_TOO_LARGE'],
    },
    DELETE: {
      summary: 'Give up an unfinished upload (tus termination)',
      access: 'any user',
      responses: { 204: { description: 'the upload and its bytes are gone', schema: z.string(), contentType: 'text/plain' } },
      errors: ['BAD_REQUEST', 'NOT_FOUND', 'CONFLICT'],
    },
  },
  '/api/v1/media/[id]/content': {
    GET: {
      summary: "A media record's content",
      description:
        'For a caller who may read the record\'s entity. Content-Type from the record, ETag the sha256 (If-None-Match: 304), Cache-Control private, Range answered 206 with Content-Range (unsatisfiable: 416). HEAD answers the same headers.',
      access: 'any user',
      responses: {
        200: { description: 'the bytes', schema: z.string(), contentType: 'application/octet-stream' },
        206: { description: 'the bytes of the range asked for', schema: z.string(), contentType: 'application/octet-stream' },
        304: { description: 'not modified (If-None-Match named the ETag)', schema: z.string(), contentType: 'application/octet-stream' },
      },
      errors: ['FORBIDDEN', 'NOT_FOUND', 'CONTENT_PENDING', 'RANGE_NOT_SATISFIABLE'],
    },
  },
};
