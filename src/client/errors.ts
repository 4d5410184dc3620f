// Typed errors of the client: failed saves (quota, validation, missing record) and transport
// failures (network, timeout, HTTP status with its protocol code and Retry-After).
import type { ErrorCode } from '@/protocol';

/** A local save failed because the device is out of storage. Nothing was saved. */
export class StorageQuotaError extends Error {
  override readonly name = 'StorageQuotaError';
  constructor(override readonly cause: unknown) {
    super('the device is out of storage space: the change was not saved');
  }
}

/** A local write was refused before saving: its data breaks the protocol's rules. */
export class RecordValidationError extends Error {
  override readonly name = 'RecordValidationError';
  constructor(
    message: string,
    readonly issues: unknown = undefined,
  ) {
    super(message);
  }
}

export class RecordNotFoundError extends Error {
  override readonly name = 'RecordNotFoundError';
  constructor(readonly recordId: string) {
    super(`no local record ${recordId}`);
  }
}

export class OutboxEntryNotFoundError extends Error {
  override readonly name = 'OutboxEntryNotFoundError';
  constructor(readonly changeId: string) {
    super(`no outbox entry ${changeId}`);
  }
}

/** The user action is not allowed in the entry's current state (e.g. discarding one in flight). */
export class OutboxActionError extends Error {
  override readonly name = 'OutboxActionError';
}

/** Base of every failure of a request to the server. */
export abstract class TransportError extends Error {
  /** Worth trying again later by itself (network, timeout, 5xx, 429). */
  abstract readonly transient: boolean;
}

export class NetworkError extends TransportError {
  override readonly name = 'NetworkError';
  readonly transient = true;
  constructor(override readonly cause: unknown) {
    super(`network error: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

export class TimeoutError extends TransportError {
  override readonly name = 'TimeoutError';
  readonly transient = true;
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
  }
}

export class HttpError extends TransportError {
  override readonly name: string = 'HttpError';
  readonly transient: boolean;
  constructor(
    readonly status: number,
    readonly code: ErrorCode | null,
    message: string,
    /** Seconds, from the Retry-After header. */
    readonly retryAfter: number | undefined,
  ) {
    super(`HTTP ${status}${code ? ` ${code}` : ''}: ${message}`);
    this.transient = status >= 500 || status === 429;
  }
}

/** 401: the token is missing, expired or refused. Sync pauses until a new token is set. */
export class UnauthorizedError extends HttpError {
  override readonly name = 'UnauthorizedError';
}

/** The server answered 2xx with a body that does not match the protocol. */
export class ProtocolError extends TransportError {
  override readonly name = 'ProtocolError';
  readonly transient = true;
  constructor(
    message: string,
    readonly issues: unknown = undefined,
  ) {
    super(message);
  }
}

/** True for a QuotaExceededError however the storage layer wrapped it (Dexie, DOMException). */
export function isQuotaError(e: unknown): boolean {
  for (let x: unknown = e, depth = 0; x && depth < 5; depth++) {
    const name = (x as { name?: unknown }).name;
    if (name === 'QuotaExceededError') return true;
    x = (x as { inner?: unknown; cause?: unknown }).inner ?? (x as { cause?: unknown }).cause;
  }
  return false;
}
