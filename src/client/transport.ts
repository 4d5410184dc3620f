// HTTP transport of the sync protocol: fetch (injected) and a base URL in, typed results or
// typed errors out (NetworkError, TimeoutError via AbortController, HttpError with the protocol
// error code and Retry-After, UnauthorizedError for 401, ProtocolError for a malformed answer).
// Bodies are parsed with the protocol's zod schemas. A push body goes gzip-encoded when the
// platform can compress (compress.ts); a server that refuses the coding (415) gets it again as
// it is, and every later push too: nothing was applied, and change ids make a resend safe.
import type { z } from 'zod';
import {
  ErrorBodySchema,
  HealthResponseSchema,
  type LoginResponse,
  LoginResponseSchema,
  type PullResponse,
  PullResponseSchema,
  type PushRequest,
  type PushResponse,
  PushResponseSchema,
} from '@/protocol';
import { MIN_COMPRESSED_LENGTH } from './compress';
import type { Clock, Compress, FetchLike, Timers } from './env';
import { HttpError, NetworkError, ProtocolError, TimeoutError, UnauthorizedError } from './errors';

export interface TransportOptions {
  readonly fetch: FetchLike;
  /** e.g. "https://fieldsync.example" or "" for same origin. */
  readonly baseUrl: string;
  readonly timers: Timers;
  readonly clock: Clock;
  readonly timeoutMs?: number;
  /** Compresses push bodies; absent or null: they go as they are. */
  readonly compress?: Compress | null;
}

export interface Transport {
  /** GET /api/v1/health: true when the server and its database answer. Never throws. */
  health(): Promise<boolean>;
  login(email: string, password: string): Promise<LoginResponse>;
  push(token: string, body: PushRequest): Promise<PushResponse>;
  pull(token: string, cursor: string | null, limit: number): Promise<PullResponse>;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

export function createTransport(opts: TransportOptions): Transport {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  async function request<S extends z.ZodType>(path: string, init: RequestInit, schema: S): Promise<z.output<S>> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = opts.timers.setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    let res: Response;
    let text: string;
    try {
      res = await opts.fetch(`${base}${path}`, { ...init, signal: controller.signal });
      text = await res.text();
    } catch (e) {
      throw timedOut ? new TimeoutError(timeoutMs) : new NetworkError(e);
    } finally {
      opts.timers.clearTimeout(timer);
    }
    if (!res.ok) throw httpError(res, text, opts.clock.now());
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ProtocolError(`${path}: answer is not JSON`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new ProtocolError(`${path}: answer does not match the protocol`, parsed.error.issues);
    return parsed.data;
  }

  const json = (token: string | null, body: string | Uint8Array, encoding?: 'gzip'): RequestInit => ({
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(encoding ? { 'content-encoding': encoding } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body as BodyInit,
  });

  let compress = opts.compress ?? null;
  async function push(token: string, body: PushRequest): Promise<PushResponse> {
    const text = JSON.stringify(body);
    if (compress !== null && text.length >= MIN_COMPRESSED_LENGTH) {
      const gz = await compress(text).catch(() => null);
      if (gz !== null) {
        try {
          return await request('/api/v1/sync/batch', json(token, gz, 'gzip'), PushResponseSchema);
        } catch (e) {
          if (!(e instanceof HttpError && e.status === 415)) throw e;
          compress = null;
        }
      }
    }
    return request('/api/v1/sync/batch', json(token, text), PushResponseSchema);
  }

  return {
    async health() {
      try {
        const h = await request('/api/v1/health', { method: 'GET', cache: 'no-store' }, HealthResponseSchema);
        return h.status === 'ok';
      } catch {
        return false;
      }
    },
    login: (email, password) => request('/api/v1/auth/login', json(null, JSON.stringify({ email, password })), LoginResponseSchema),
    push,
    pull: (token, cursor, limit) => {
      const q = new URLSearchParams({ limit: String(limit) });
      if (cursor !== null) q.set('cursor', cursor);
      return request(
        `/api/v1/sync/pull?${q.toString()}`,
        { method: 'GET', headers: { authorization: `Bearer ${token}` }, cache: 'no-store' },
        PullResponseSchema,
      );
    },
  };
}

function httpError(res: Response, text: string, now: number): HttpError {
  let code = null;
  let message = res.statusText || 'request failed';
  try {
    const body = ErrorBodySchema.safeParse(JSON.parse(text));
    if (body.success) {
      code = body.data.error.code;
      message = body.data.error.message;
    }
  } catch {
    // not a protocol error body: keep the status line
  }
  const retryAfter = parseRetryAfter(res.headers.get('retry-after'), now);
  return res.status === 401 ? new UnauthorizedError(401, code, message, retryAfter) : new HttpError(res.status, code, message, retryAfter);
}

/** Retry-After as seconds: a whole number, or an HTTP date. */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}
