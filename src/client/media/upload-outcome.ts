// How one upload attempt ended, and what a server answer means for the upload: the user must
// act (rejected), the upload waits without counting a failure (login, record not there yet),
// or it failed for now and is retried with backoff.
export type UploadOutcome =
  | { readonly kind: 'uploaded' }
  | { readonly kind: 'rejected'; readonly reason: string }
  | { readonly kind: 'wait'; readonly reason: string }
  | { readonly kind: 'unauthorized' }
  | { readonly kind: 'failed'; readonly error: string; readonly retryAfter?: number };

export interface ServerAnswer {
  readonly status: number;
  readonly code: string | null;
  readonly message: string | null;
  /** Seconds. */
  readonly retryAfter: number | undefined;
}

export function classifyAnswer(a: ServerAnswer): UploadOutcome {
  const why = a.message ?? a.code ?? `HTTP ${a.status}`;
  if (a.status === 401) return { kind: 'unauthorized' };
  if (a.status === 413) return { kind: 'rejected', reason: `the server refused the file as too large: ${why}` };
  if (a.status === 415) return { kind: 'rejected', reason: `the server does not accept this type of file: ${why}` };
  if (a.status === 460 || a.code === 'CHECKSUM_MISMATCH')
    return { kind: 'rejected', reason: 'the uploaded bytes do not match the photo that was saved (checksum mismatch)' };
  if (a.status === 403) return { kind: 'rejected', reason: `not allowed to upload this file: ${why}` };
  if (a.status === 404) return { kind: 'rejected', reason: `the server does not know this file's record: ${why}` };
  if (a.status === 429 || a.status >= 500 || a.status === 423 || a.status === 409)
    return { kind: 'failed', error: `HTTP ${a.status}: ${why}`, ...(a.retryAfter !== undefined ? { retryAfter: a.retryAfter } : {}) };
  if (a.status >= 400) return { kind: 'rejected', reason: `the server refused the file: ${why}` };
  return { kind: 'failed', error: `unexpected answer HTTP ${a.status}` };
}

/** Reads `{"error":{"code","message"}}` when the body is one. */
export function parseErrorBody(body: string): { code: string | null; message: string | null } {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } };
    const code = typeof parsed.error?.code === 'string' ? parsed.error.code : null;
    const message = typeof parsed.error?.message === 'string' ? parsed.error.message : null;
    return { code, message };
  } catch {
    return { code: null, message: body.trim().slice(0, 200) || null };
  }
}

export function parseRetryAfter(value: string | undefined | null): number | undefined {
  if (!value) return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}
