// Every API request through the instance's Admission (admission.ts): a slot and the memory its
// body may take are reserved before anything is read, and a signed-in caller's request counts
// for that user once their token is verified (a request with no valid token gets no user slot;
// its handler answers 401). Refusals: 503 UNAVAILABLE when the instance is full, 429
// RATE_LIMITED when the user is, both with Retry-After. The slot is held until the handler's
// Response is made. An encoded body (it may inflate 1000 times) adds what it decodes to once
// read-json.ts has decoded it, before it becomes text and values.
import v8 from 'node:v8';
import { MAX_BATCH_BYTES } from '@/protocol/limits';
import type { Admission, AdmissionLimits, Ticket } from './admission';
import { ApiError, rateLimited } from './api-error';
import type { Handler } from './handler';
import type { Release, UserGate } from './user-gate';

/** Heap a body takes per byte while it is read, decoded, held as text and parsed (bounded by read-json.ts). */
export const BODY_MEMORY_FACTOR = 4;
const BUSY_RETRY_AFTER_SECONDS = 2;
const USER_RETRY_AFTER_SECONDS = 1;

export const instanceBusy = () =>
  new ApiError(503, 'UNAVAILABLE', 'the server is busy, try again later', undefined, {
    'Retry-After': String(BUSY_RETRY_AFTER_SECONDS),
  });

/** The limits of configuration; body memory unset is a quarter of this process's heap limit. */
export function admissionLimits(config: {
  readonly maxInFlight: number;
  readonly maxInFlightPerUser: number;
  readonly bodyMemoryBytes: number | undefined;
}): AdmissionLimits {
  return {
    maxInFlight: config.maxInFlight,
    maxInFlightPerUser: config.maxInFlightPerUser,
    bodyMemoryBytes: config.bodyMemoryBytes ?? Math.floor(v8.getHeapStatistics().heap_size_limit / 4),
  };
}

/**
 * Bytes a request's body may hold in memory before it is decoded: its declared length (at most
 * `ceiling`) times BODY_MEMORY_FACTOR, or the ceiling's when its length is unknown. An encoded
 * body reserves what it decodes to once that is known (holdDecoded).
 */
export function bodyMemory(request: Request, ceiling = MAX_BATCH_BYTES): number {
  if (request.body === null || request.method === 'GET' || request.method === 'HEAD') return 0;
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  const size = Number.isFinite(declared) ? Math.min(Math.max(declared, 0), ceiling) : ceiling;
  return size * BODY_MEMORY_FACTOR;
}

/** How much a compressed JSON body grows when decoded, as a rule of thumb for its weight. */
const TYPICAL_JSON_INFLATION = 6;

/**
 * The weight of a request at the user gate (user-gate.ts): the body's declared size, as decoded
 * when it comes encoded; 0 without a body. Its real size is not known before it is read.
 */
export function bodyWeight(request: Request): number {
  if (request.body === null || request.method === 'GET' || request.method === 'HEAD') return 0;
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  const size = Number.isFinite(declared) && declared >= 0 ? Math.min(declared, MAX_BATCH_BYTES) : MAX_BATCH_BYTES;
  const encoded = (request.headers.get('content-encoding') ?? 'identity').trim().toLowerCase() !== 'identity';
  return encoded ? Math.min(size * TYPICAL_JSON_INFLATION, MAX_BATCH_BYTES) : size;
}

const tickets = new WeakMap<Request, Ticket>();

/**
 * Reserves the memory of a body decoded to `bytes` (read-json.ts, before it is turned into text
 * and parsed); 503 when the instance cannot take it. A no-op for a request not admitted here.
 */
export function holdDecoded(request: Request, bytes: number): void {
  const ticket = tickets.get(request);
  if (ticket && !ticket.grow(bytes * BODY_MEMORY_FACTOR)) throw instanceBusy();
}

/**
 * `fn` behind `admission`; `userOf` is the verified user id of the request's token, or null. A
 * signed-in user's request then waits for one of the user's running slots at `gate`, held until
 * its Response is made (a stream's body goes on after that without it).
 */
export function admitted(admission: Admission, gate: UserGate, userOf: (request: Request) => Promise<string | null>, fn: Handler): Handler {
  return async (request) => {
    const ticket = admission.admit(bodyMemory(request));
    if (ticket === null) throw instanceBusy();
    tickets.set(request, ticket);
    let leave: Release | undefined;
    try {
      const userId = await userOf(request);
      if (userId !== null) {
        if (!ticket.joinUser(userId)) throw rateLimited(USER_RETRY_AFTER_SECONDS);
        leave = await gate.enter(userId, bodyWeight(request), request.signal);
      }
      return await fn(request);
    } finally {
      leave?.();
      ticket.release();
    }
  };
}
