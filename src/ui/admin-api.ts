// The admin console's calls: users, entities (sites) and assignments under /api/v1/admin.
// Online only (an admin tool); every answer is checked against the protocol's schemas, and a
// failure becomes an AdminApiError; the console shows the server's message, or its own words
// (adminErrorText) for no connection, an answer it cannot read, and the auth codes.
import type { TFunction } from 'i18next';
import type { z } from 'zod';
import {
  type AdminEntitiesResponse,
  AdminEntitiesResponseSchema,
  type AdminUser,
  type AdminUsersResponse,
  AdminUsersResponseSchema,
  AssignmentsResponseSchema,
  CreateEntityResponseSchema,
  type CreateUserRequest,
  CreateUserResponseSchema,
  type UpdateUserRequest,
  UpdateUserResponseSchema,
} from '@/protocol/admin';
import { ErrorBodySchema } from '@/protocol/errors';
import type { Entity } from '@/protocol/pull';

export class AdminApiError extends Error {
  override readonly name = 'AdminApiError';
  constructor(
    readonly status: number | null,
    readonly code: string | null,
    message: string,
  ) {
    super(message);
  }
}

/** The code of an answer that does not match the protocol's schema (no server sends it). */
export const UNEXPECTED_ANSWER = 'UNEXPECTED_ANSWER';

/** What the console says for a failed call, in the language of `t`. */
export function adminErrorText(e: unknown, t: TFunction<'admin'>): string {
  if (!(e instanceof AdminApiError)) return t('error.generic');
  if (e.status === null) return t('error.noConnection');
  if (e.code === UNEXPECTED_ANSWER) return t('error.unexpected');
  if (e.code === 'UNAUTHENTICATED') return t('error.unauthenticated');
  if (e.code === 'FORBIDDEN') return t('error.forbidden');
  return e.message;
}

export type Fetch = typeof fetch;
const defaultFetch: Fetch = (input, init) => globalThis.fetch(input, init);

async function call<T>(fetchFn: Fetch, token: string, path: string, schema: z.ZodType<T>, method = 'GET', body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetchFn(path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new AdminApiError(null, null, 'No connection: the admin console needs the server.');
  }
  const json: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const e = ErrorBodySchema.safeParse(json);
    throw new AdminApiError(res.status, e.success ? e.data.error.code : null, e.success ? errorMessage(e.data.error.message, e.data.error.details) : `HTTP ${res.status}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new AdminApiError(res.status, UNEXPECTED_ANSWER, 'The server sent an unexpected answer.');
  return parsed.data;
}

/** The server's message, with the fields a validation error names. */
function errorMessage(message: string, details: unknown): string {
  if (!Array.isArray(details)) return message;
  const fields = details.flatMap((d) => (typeof d === 'object' && d !== null && 'path' in d && 'message' in d ? [`${String(d.path) || 'body'}: ${String(d.message)}`] : []));
  return fields.length ? `${message} (${fields.slice(0, 3).join('; ')})` : message;
}

/** Pages followed at most by the console: it shows that many users or sites. */
const MAX_PAGES = 5;

async function allPages<P extends { next?: string | undefined }, T>(fetchPage: (after?: string) => Promise<P>, items: (p: P) => T[]): Promise<{ items: T[]; complete: boolean }> {
  const out: T[] = [];
  let after: string | undefined;
  for (let i = 0; i < MAX_PAGES; i++) {
    const page = await fetchPage(after);
    out.push(...items(page));
    if (page.next === undefined) return { items: out, complete: true };
    after = page.next;
  }
  return { items: out, complete: false };
}

const qs = (after?: string) => `?limit=1000${after === undefined ? '' : `&after=${encodeURIComponent(after)}`}`;

export function adminApi(token: string, fetchFn: Fetch = defaultFetch) {
  return {
    listUsers: () =>
      allPages<AdminUsersResponse, AdminUser>((after) => call(fetchFn, token, `/api/v1/admin/users${qs(after)}`, AdminUsersResponseSchema), (p) => p.users),
    listEntities: () =>
      allPages<AdminEntitiesResponse, Entity>((after) => call(fetchFn, token, `/api/v1/admin/entities${qs(after)}`, AdminEntitiesResponseSchema), (p) => p.entities),
    createUser: async (body: CreateUserRequest) => (await call(fetchFn, token, '/api/v1/admin/users', CreateUserResponseSchema, 'POST', body)).user,
    updateUser: async (id: string, body: UpdateUserRequest) =>
      (await call(fetchFn, token, `/api/v1/admin/users/${encodeURIComponent(id)}`, UpdateUserResponseSchema, 'PATCH', body)).user,
    assign: async (id: string, entityIds: string[]) =>
      (await call(fetchFn, token, `/api/v1/admin/users/${encodeURIComponent(id)}/assignments`, AssignmentsResponseSchema, 'PUT', { entityIds })).entityIds,
    createEntity: async (name: string, kind: string) => (await call(fetchFn, token, '/api/v1/admin/entities', CreateEntityResponseSchema, 'POST', { name, kind })).entity,
    renameEntity: async (id: string, name: string) =>
      (await call(fetchFn, token, `/api/v1/admin/entities/${encodeURIComponent(id)}`, CreateEntityResponseSchema, 'PATCH', { name })).entity,
  };
}
export type AdminApi = ReturnType<typeof adminApi>;
