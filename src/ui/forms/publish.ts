// Publishing a form version: POST /api/v1/admin/forms (docs/protocol.md "Forms"). Online only;
// the answer is checked against the protocol, and a refusal becomes a PublishError with the
// server's code and the path of the first problem.
import { ErrorBodySchema } from '@/protocol/errors';
import { type Form, type PublishFormRequest, PublishFormResponseSchema } from '@/protocol/forms';

export class PublishError extends Error {
  override readonly name = 'PublishError';
  constructor(
    /** null: no connection. */
    readonly status: number | null,
    readonly code: string | null,
    message: string,
  ) {
    super(message);
  }
}

export async function publishForm(token: string, body: PublishFormRequest, fetchFn: typeof fetch = (i, o) => globalThis.fetch(i, o)): Promise<Form> {
  let res: Response;
  try {
    res = await fetchFn('/api/v1/admin/forms', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch {
    throw new PublishError(null, null, 'no connection');
  }
  const json: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const e = ErrorBodySchema.safeParse(json);
    if (!e.success) throw new PublishError(res.status, null, `HTTP ${res.status}`);
    const d = e.data.error.details as { path?: unknown } | undefined;
    const where = d && typeof d.path === 'string' && d.path ? ` (${d.path})` : '';
    throw new PublishError(res.status, e.data.error.code, `${e.data.error.message}${where}`);
  }
  const parsed = PublishFormResponseSchema.safeParse(json);
  if (!parsed.success) throw new PublishError(res.status, 'UNEXPECTED_ANSWER', 'unexpected answer');
  return parsed.data.form;
}
