// A sync_conflicts row as the protocol shows it (ConflictEntrySchema). Both sides are stored
// as jsonb {data, deleted, hlc, version, userId, deviceId}. When a coordinator restored the
// loser, the record version that the restore replaced is kept in `replaced`, the same shape;
// clients that do not know the field ignore it (docs/protocol.md: servers may add response fields).
import { sql } from 'drizzle-orm';
import type { ConflictEntry, ConflictSide, ResolveAction } from '@/protocol/conflicts';
import type { RecordType } from '@/protocol/records';

export interface ConflictRow {
  id: string;
  type: RecordType;
  record_id: string;
  entity_id: string;
  status: 'open' | 'resolved';
  resolution: 'client_wins' | 'server_wins';
  winner: Record<string, unknown>;
  loser: Record<string, unknown>;
  clamped_from: string | null;
  replaced: Record<string, unknown> | null;
  created_at: string | Date;
  resolved_at: string | Date | null;
  resolved_by: string | null;
  resolved_action: ResolveAction | null;
}

/** Columns to select for `toConflictEntry`. */
export const CONFLICT_COLUMNS = sql.raw(
  'id, type, record_id, entity_id, status, resolution, winner, loser, clamped_from, replaced, created_at, resolved_at, resolved_by, resolved_action',
);

export type ConflictLogEntry = ConflictEntry;

const iso = (t: string | Date) => new Date(t).toISOString();

export function toSide(v: unknown): ConflictSide {
  const s = (v ?? {}) as Record<string, unknown>;
  const data = s.data;
  return {
    data: data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {},
    deleted: s.deleted === true,
    hlc: String(s.hlc ?? ''),
    version: Number(s.version ?? 0),
    userId: String(s.userId ?? ''),
    deviceId: String(s.deviceId ?? ''),
  };
}

export function toConflictEntry(r: ConflictRow): ConflictLogEntry {
  const entry: ConflictLogEntry = {
    id: r.id,
    type: r.type,
    recordId: r.record_id,
    entityId: r.entity_id,
    status: r.status,
    resolution: r.resolution,
    winner: toSide(r.winner),
    loser: toSide(r.loser),
    createdAt: iso(r.created_at),
  };
  if (r.clamped_from !== null) entry.clamped = { originalHlc: r.clamped_from };
  if (r.resolved_at !== null) entry.resolvedAt = iso(r.resolved_at);
  if (r.resolved_by !== null) entry.resolvedBy = r.resolved_by;
  if (r.resolved_action !== null) entry.resolvedAction = r.resolved_action;
  if (r.replaced !== null) entry.replaced = toSide(r.replaced);
  return entry;
}
