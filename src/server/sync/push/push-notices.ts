// What a push announces after its commit (sync/events/announce.ts): the entities whose records
// it wrote, and the entities whose conflict log grew with who was overwritten: the stored
// writer, when a later write of another user won over it (client_wins). The same facts the
// triggers of migration 0010 would announce, which the push silences for its own writes
// (write-batch.ts) because a NOTIFY inside a transaction makes concurrent commits take turns.
import type { Notice } from '../events/notice';
import type { BatchPlan } from './plan-batch';

export function pushNotices(plan: Pick<BatchPlan, 'writes' | 'conflicts'>): Notice[] {
  const notices: Notice[] = [];
  const written = [...new Set(plan.writes.map((w) => w.record.entityId))];
  if (written.length > 0) notices.push({ k: 'records', e: written });
  if (plan.conflicts.length > 0) {
    const entities = [...new Set(plan.conflicts.map((c) => c.entityId))];
    const overwritten = plan.conflicts
      .filter((c) => c.resolution === 'client_wins' && c.loser.userId !== c.winner.userId)
      .map((c) => ({ u: c.loser.userId, r: c.recordId }));
    notices.push({ k: 'conflicts', e: entities, o: overwritten });
  }
  return notices;
}
