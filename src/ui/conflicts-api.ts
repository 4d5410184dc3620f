// The coordinator's conflict log calls: GET /api/v1/sync/conflicts?status=open and
// POST /api/v1/sync/resolve. Plain reads and one action, made only while online; the answers
// are checked against the protocol's schemas.
import { z } from 'zod';
import { type ConflictEntry, ConflictEntrySchema, type ResolveAction, ResolveResponseSchema } from '@/protocol/conflicts';
import { ErrorBodySchema } from '@/protocol/errors';

export class ConflictsApiError extends Error {
  override readonly name = 'ConflictsApiError';
  constructor(
    readonly status: number | null,
    readonly code: string | null,
    message: string,
  ) {
    super(message);
  }
}

const ListSchema = z.object({ conflicts: z.array(ConflictEntrySchema) });

async function call<T>(fetchFn: typeof fetch, path: string, token: string, schema: z.ZodType<T>, init: RequestInit = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetchFn(path, { ...init, headers: { ...(init.headers ?? {}), authorization: `Bearer ${token}` } });
  } catch {
    throw new ConflictsApiError(null, null, 'No connection: conflict review needs the server.');
  }
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const e = ErrorBodySchema.safeParse(body);
    throw new ConflictsApiError(res.status, e.success ? e.data.error.code : null, e.success ? e.data.error.message : `HTTP ${res.status}`);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ConflictsApiError(res.status, null, 'The server sent an unexpected answer.');
  return parsed.data;
}

const defaultFetch: typeof fetch = (input, init) => globalThis.fetch(input, init);

/** The conflict log of the caller's entities (all of it, or only open or resolved entries). */
export async function fetchConflicts(token: string, status?: 'open' | 'resolved', fetchFn: typeof fetch = defaultFetch): Promise<ConflictEntry[]> {
  return (await call(fetchFn, `/api/v1/sync/conflicts${status ? `?status=${status}` : ''}`, token, ListSchema)).conflicts;
}

export function fetchOpenConflicts(token: string, fetchFn: typeof fetch = defaultFetch): Promise<ConflictEntry[]> {
  return fetchConflicts(token, 'open', fetchFn);
}

export async function resolveConflict(token: string, conflictId: string, action: ResolveAction, fetchFn: typeof fetch = defaultFetch) {
  return call(fetchFn, '/api/v1/sync/resolve', token, ResolveResponseSchema, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ conflictId, action }),
  });
}
