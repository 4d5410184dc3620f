// For the tests of the conflict log: entries written straight into sync_conflicts, shaped as
// the push side stores them (both sides as jsonb {data, deleted, hlc, version, userId, deviceId}).
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { ConflictSide } from '@/protocol/conflicts';
import { type Executor, rows } from '../../db/database';
import { stamp } from '../pull/test-fixtures';

export function side(over: Partial<ConflictSide> = {}): ConflictSide {
  return { data: { from: 'side' }, deleted: false, hlc: stamp(), version: 1, userId: randomUUID(), deviceId: 'dev_a', ...over };
}

export interface NewConflict {
  recordId: string;
  entityId: string;
  type?: 'assessment' | 'response' | 'media';
  resolution?: 'client_wins' | 'server_wins';
  winner?: ConflictSide;
  loser?: ConflictSide;
  clampedFrom?: string;
  status?: 'open' | 'resolved';
  createdAt?: Date;
}

export async function insertConflict(ex: Executor, c: NewConflict): Promise<string> {
  const [row] = await rows<{ id: string }>(
    ex,
    sql`insert into sync_conflicts (change_id, record_id, entity_id, type, resolution, winner, loser, clamped_from, status, created_at)
        values (${randomUUID()}, ${c.recordId}, ${c.entityId}, ${c.type ?? 'assessment'}, ${c.resolution ?? 'server_wins'},
                ${JSON.stringify(c.winner ?? side())}::jsonb, ${JSON.stringify(c.loser ?? side())}::jsonb,
                ${c.clampedFrom ?? null}, ${c.status ?? 'open'}, ${(c.createdAt ?? new Date()).toISOString()}::timestamptz)
        returning id`,
  );
  return row!.id;
}
