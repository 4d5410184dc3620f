// The result of one change as the protocol shows it, and the response that sorts them into
// successful, conflicts and failed (docs/protocol.md "Push").
import type { ItemErrorCode } from '@/protocol/errors';
import type { ChangeResult, PushResponse } from '@/protocol/push';

interface Ids {
  readonly changeId: string;
  readonly recordId: string | null;
}

const idsOf = ({ changeId, recordId }: Ids) => ({ changeId, recordId, offlineId: recordId, serverId: recordId });

// Object literals rather than spreads of idsOf: a push makes up to 100 of these, and a spread
// copies through a generic slow path.
export function failedResult({ changeId, recordId }: Ids, code: ItemErrorCode, message: string, details?: unknown): ChangeResult {
  if (details !== undefined) return { changeId, recordId, offlineId: recordId, serverId: recordId, status: 'failed', code, message, details };
  return { changeId, recordId, offlineId: recordId, serverId: recordId, status: 'failed', code, message };
}

export function successResult({ changeId, recordId }: Ids, version: number): ChangeResult {
  return { changeId, recordId, offlineId: recordId, serverId: recordId, status: 'success', version };
}

export function conflictResult({ changeId, recordId }: Ids, version: number, extra: Pick<ChangeResult, 'resolution' | 'record'>): ChangeResult {
  return { changeId, recordId, offlineId: recordId, serverId: recordId, status: 'conflict', version, ...extra };
}

/**
 * A result as the idempotency log keeps it: without the ids, which repeat what the change and
 * the log row already say (a good part of a push's log bytes). A replay gets them back from the
 * change as sent again.
 */
export type StoredResult = Omit<ChangeResult, keyof ReturnType<typeof idsOf>>;

export function storedResult(r: ChangeResult): StoredResult {
  // Named, not a rest of the ids: one per change of every push. JSON leaves the unset ones out.
  const { status, version, resolution, record, code, message, details } = r;
  return { status, version, resolution, record, code, message, details } as StoredResult;
}

/** The first answer again, with the ids of the replayed change (a row stored in full keeps its own). */
export function replayedResult(stored: StoredResult | ChangeResult, ids: Ids): ChangeResult {
  return { ...idsOf(ids), ...stored };
}

/** Results in array order, sorted into the three lists. */
export function toPushResponse(results: readonly ChangeResult[], serverHlc: string): PushResponse {
  const response: PushResponse = { successful: [], conflicts: [], failed: [], serverHlc };
  for (const r of results) {
    if (r.status === 'success') response.successful.push(r);
    else if (r.status === 'conflict') response.conflicts.push(r);
    else response.failed.push(r);
  }
  return response;
}
