// Limits of the wire protocol (docs/protocol.md). Shared by server checks and client batching.
export const MAX_CHANGES_PER_BATCH = 100;
export const MAX_BATCH_BYTES = 2 * 1024 * 1024;
export const MAX_RECORD_DATA_BYTES = 256 * 1024;
export const MAX_JSON_DEPTH = 32;
export const PULL_LIMIT_DEFAULT = 500;
export const PULL_LIMIT_MAX = 1000;
/** Stamps further ahead of the server clock than this are clamped. */
export const HLC_MAX_FUTURE_MS = 5 * 60 * 1000;
/** Request bodies of non-sync endpoints (login, admin) are small. */
export const MAX_SMALL_BODY_BYTES = 64 * 1024;
