// Counts a push's changes by result, and its conflicts, from the push's own answer: the
// protocol's response says what happened to each change, whatever the push path inside does.
import type { PushResponse } from '@/protocol/push';
import type { Metrics } from './metrics';

type Handler = (request: Request) => Promise<Response>;

export function observePush(metrics: Metrics, handler: Handler): Handler {
  return async (request) => {
    const response = await handler(request);
    // Counted before the answer goes, so a scrape after it sees it (the answer is a few KB of JSON).
    if (response.status === 200 && response.body) await count(metrics, response.clone());
    return response;
  };
}

async function count(metrics: Metrics, response: Response): Promise<void> {
  try {
    const body = (await response.json()) as Partial<PushResponse>;
    const n = (list: unknown) => (Array.isArray(list) ? list.length : 0);
    metrics.changesPushed.inc({ result: 'success' }, n(body.successful));
    metrics.changesPushed.inc({ result: 'conflict' }, n(body.conflicts));
    metrics.changesPushed.inc({ result: 'failed' }, n(body.failed));
    metrics.conflicts.inc(n(body.conflicts));
  } catch {
    // Not the protocol's answer (a handler bug shows elsewhere): nothing to count.
  }
}
