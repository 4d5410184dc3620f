// The query string of GET /sync/pull: `limit` (default 500, a whole number in 1..1000) and an
// optional `cursor`. Parsed strictly: `limit=1e2`, `limit=+5` or a repeated parameter are
// refused with 400 BAD_REQUEST rather than guessed at.
import { PULL_LIMIT_DEFAULT, PULL_LIMIT_MAX } from '@/protocol/limits';
import { badRequest } from '../../http/api-error';

export interface PullParams {
  readonly cursor: string | undefined;
  readonly limit: number;
}

export function parsePullParams(params: URLSearchParams): PullParams {
  const limits = params.getAll('limit');
  const cursors = params.getAll('cursor');
  if (limits.length > 1 || cursors.length > 1) throw badRequest('give limit and cursor at most once each');
  const raw = limits[0];
  let limit = PULL_LIMIT_DEFAULT;
  if (raw !== undefined) {
    limit = /^[0-9]{1,7}$/.test(raw) ? Number(raw) : NaN;
    if (!(limit >= 1 && limit <= PULL_LIMIT_MAX))
      throw badRequest(`limit must be a whole number from 1 to ${PULL_LIMIT_MAX}`, { limit: raw.slice(0, 50) });
  }
  return { cursor: cursors[0], limit };
}
