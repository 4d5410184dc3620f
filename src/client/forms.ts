// The device's copy of the published forms, so forms can be filled with no signal. A refresh
// revalidates with the ETag of the last list (304: nothing to do); a new list replaces the copy
// and its tag in one transaction, so the copy is never half old, half new. Versions are
// immutable, so an assessment begun on a version can always be finished on it.
import { ErrorBodySchema } from '@/protocol/errors';
import { type Form, FormsResponseSchema } from '@/protocol/forms';
import { type FieldsyncDb, getMeta } from './db';
import type { FetchLike } from './env';
import { HttpError, NetworkError, ProtocolError, UnauthorizedError } from './errors';

/** Meta key of the ETag the stored forms came with. */
export const FORMS_ETAG = 'formsEtag';

export interface FormsSource {
  readonly fetch: FetchLike;
  /** e.g. "https://fieldsync.example" or "" for same origin. */
  readonly baseUrl: string;
}

/** Fetches GET /api/v1/forms with If-None-Match and stores a new list; `false` when it was unchanged. */
export async function refreshForms(db: FieldsyncDb, source: FormsSource, token: string): Promise<boolean> {
  const etag = await getMeta<string>(db, FORMS_ETAG);
  let res: Response;
  try {
    res = await source.fetch(`${source.baseUrl.replace(/\/+$/, '')}/api/v1/forms`, {
      method: 'GET',
      headers: { authorization: `Bearer ${token}`, ...(etag ? { 'if-none-match': etag } : {}) },
    });
  } catch (e) {
    throw new NetworkError(e);
  }
  if (res.status === 304) return false;
  const text = await res.text();
  if (!res.ok) throw failure(res.status, text);
  let parsed;
  try {
    parsed = FormsResponseSchema.safeParse(JSON.parse(text));
  } catch {
    throw new ProtocolError('/api/v1/forms: answer is not JSON');
  }
  if (!parsed.success) throw new ProtocolError('/api/v1/forms: answer does not match the protocol', parsed.error.issues);
  const forms = parsed.data.forms;
  const tag = res.headers.get('etag');
  await db.transaction('rw', db.forms, db.meta, async () => {
    await db.forms.clear();
    await db.forms.bulkPut(forms);
    if (tag) await db.meta.put({ key: FORMS_ETAG, value: tag });
    else await db.meta.delete(FORMS_ETAG);
  });
  return true;
}

/** The latest version of every stored form usable in `entityId`, by title. */
export async function formsForEntity(db: FieldsyncDb, entityId: string): Promise<Form[]> {
  const latest = new Map<string, Form>();
  for (const f of await db.forms.toArray()) {
    if (f.entityIds !== null && !f.entityIds.includes(entityId)) continue;
    const known = latest.get(f.id);
    if (!known || known.version < f.version) latest.set(f.id, f);
  }
  return [...latest.values()].sort((a, b) => a.title.localeCompare(b.title));
}

/** One stored form version (to go on with an assessment begun on it), or undefined. */
export async function storedForm(db: FieldsyncDb, id: string, version: number): Promise<Form | undefined> {
  return db.forms.get([id.toLowerCase(), version]);
}

function failure(status: number, text: string): HttpError {
  let code = null;
  let message = 'request failed';
  try {
    const body = ErrorBodySchema.safeParse(JSON.parse(text));
    if (body.success) ({ code, message } = body.data.error);
  } catch {
    // not a protocol error body
  }
  return status === 401 ? new UnauthorizedError(401, code, message, undefined) : new HttpError(status, code, message, undefined);
}
