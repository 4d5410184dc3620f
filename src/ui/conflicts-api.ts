// The coordinator's conflict log calls: GET /api/v1/sync/conflicts (a page at a time, newest
// first) and POST /api/v1/sync/resolve. Plain reads and one action, made only while online; the
// answers are checked against the protocol's schemas.
import type { z } from 'zod';
import {
  type ConflictEntry,
  type ConflictsPage,
  ConflictsPageSchema,
  type ResolveRequest,
  ResolveResponseSchema,
} from '@/protocol/conflicts';
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

export interface PageQuery {
  readonly status?: 'open' | 'resolved';
  /** The `cursor` of the previous page. */
  readonly cursor?: string;
}

/** One page of the conflict log of the caller's entities (all of it, or only open or resolved entries). */
export async function fetchConflictsPage(token: string, query: PageQuery = {}, fetchFn: typeof fetch = defaultFetch): Promise<ConflictsPage> {
  const params = new URLSearchParams();
  if (query.status) params.set('status', query.status);
  if (query.cursor) params.set('cursor', query.cursor);
  const qs = params.toString();
  return call(fetchFn, `/api/v1/sync/conflicts${qs ? `?${qs}` : ''}`, token, ConflictsPageSchema);
}

/** Pages followed by fetchConflicts at most: a bound on what one screen loads at once. */
export const MAX_PAGES = 10;

/**
 * The conflict log, following the cursor for up to `maxPages` pages; `complete` is false when
 * more entries remain beyond them.
 */
export async function fetchConflicts(
  token: string,
  status?: 'open' | 'resolved',
  fetchFn: typeof fetch = defaultFetch,
  maxPages = MAX_PAGES,
): Promise<{ conflicts: ConflictEntry[]; complete: boolean }> {
  const conflicts: ConflictEntry[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < maxPages; i++) {
    const page = await fetchConflictsPage(token, { ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) }, fetchFn);
    conflicts.push(...page.conflicts);
    if (!page.hasMore || page.cursor === undefined) return { conflicts, complete: true };
    cursor = page.cursor;
  }
  return { conflicts, complete: false };
}

/** accept, restore_loser, or undo_restore (takes back a restore: the conflict is open again). */
export async function resolveConflict(token: string, conflictId: string, action: ResolveRequest['action'], fetchFn: typeof fetch = defaultFetch) {
  return call(fetchFn, '/api/v1/sync/resolve', token, ResolveResponseSchema, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ conflictId, action }),
  });
}
