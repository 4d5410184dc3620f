// The id that ties a request's log lines together: the client's (or the load balancer's)
// X-Request-Id when it is short and plain, else a new one. Anything else a client sends there
// is not trusted into the logs.
import { randomUUID } from 'node:crypto';

export const REQUEST_ID_HEADER = 'X-Request-Id';
const PLAIN_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdOf(request: Request): string {
  const sent = request.headers.get(REQUEST_ID_HEADER);
  return sent !== null && PLAIN_ID.test(sent) ? sent : randomUUID();
}
