// The decision for one pushed change against the record as the server holds it
// (docs/protocol.md "Push"). Pure: the caller loads the record, clamps the stamp, and stores what
// this returns. Exactly one outcome per change (docs/INVARIANTS.md #3):
//
//   no record ── create ─────────────────────────────▶ applied (version 1)
//             └─ update/delete ──────────────────────▶ rejected NOT_FOUND
//   record ──── other entity / other type ───────────▶ rejected FORBIDDEN / VALIDATION
//           ├── baseVersion = stored version ────────▶ applied (version + 1)
//           └── otherwise (a create counts as base 0) ▶ conflict: later stamp wins
//                 ├─ incoming later ─▶ client_wins (applied, version + 1, stored side logged)
//                 └─ otherwise ──────▶ server_wins (nothing written, incoming side logged)
import type { ConflictSide } from '@/protocol/conflicts';
import type { ItemErrorCode } from '@/protocol/errors';
import type { Action, Resolution } from '@/protocol/push';
import type { RecordData, RecordType } from '@/protocol/records';
import { lwwWinner } from './lww';

/** A record as stored (or as an earlier change of the same batch left it). */
export interface RecordState {
  readonly type: RecordType;
  readonly entityId: string;
  readonly version: number;
  readonly data: RecordData;
  readonly deleted: boolean;
  readonly hlc: string;
  readonly updatedBy: string;
  readonly deviceId: string;
}

export interface IncomingChange {
  readonly type: RecordType;
  readonly action: Action;
  readonly entityId: string;
  readonly baseVersion: number;
  /** The stamp as the device sent it. */
  readonly hlc: string;
  readonly data?: RecordData | undefined;
  /** Who sent it, from which device. */
  readonly userId: string;
  readonly deviceId: string;
}

/** The stamp to compare and store (see clampHlc), and whether it differs from the one sent. */
export interface ClampedStamp {
  readonly hlc: string;
  readonly clamped: boolean;
}

export interface Rejection {
  readonly kind: 'rejected';
  readonly code: ItemErrorCode;
  readonly message: string;
}

export type ChangeOutcome =
  | { readonly kind: 'applied'; readonly record: RecordState }
  | {
      readonly kind: 'conflict';
      readonly resolution: Resolution;
      /** The record after the change: the new version for client_wins, the unchanged one for server_wins. */
      readonly record: RecordState;
      readonly winner: ConflictSide;
      readonly loser: ConflictSide;
      /** The incoming stamp as sent, when it was clamped. */
      readonly clampedFrom: string | null;
    }
  | Rejection;

export function rejected(code: ItemErrorCode, message: string): Rejection {
  return { kind: 'rejected', code, message };
}

export function applyChange(current: RecordState | undefined, change: IncomingChange, stamp: ClampedStamp): ChangeOutcome {
  if (!current) {
    if (change.action !== 'create') return rejected('NOT_FOUND', `no ${change.type} with this recordId exists`);
    return { kind: 'applied', record: written(undefined, change, stamp.hlc, 1) };
  }
  if (current.entityId !== change.entityId) return rejected('FORBIDDEN', 'a record cannot move to another entity');
  if (current.type !== change.type) return rejected('VALIDATION', `the record is a ${current.type}, not a ${change.type}`);

  const next = written(current, change, stamp.hlc, current.version + 1);
  const base = change.action === 'create' ? 0 : change.baseVersion;
  if (base === current.version) return { kind: 'applied', record: next };

  const incoming = (version: number): ConflictSide => ({
    data: next.data,
    deleted: next.deleted,
    hlc: stamp.hlc,
    version,
    userId: change.userId,
    deviceId: change.deviceId,
  });
  const clampedFrom = stamp.clamped ? change.hlc : null;
  if (lwwWinner(current.hlc, stamp.hlc) === 'incoming')
    return { kind: 'conflict', resolution: 'client_wins', record: next, winner: incoming(next.version), loser: side(current), clampedFrom };
  return { kind: 'conflict', resolution: 'server_wins', record: current, winner: side(current), loser: incoming(base), clampedFrom };
}

/** The record after `change` is applied as `version`. A delete keeps the last data (tombstone). */
function written(current: RecordState | undefined, change: IncomingChange, hlc: string, version: number): RecordState {
  const deleted = change.action === 'delete';
  const data = deleted ? (current?.data ?? change.data ?? {}) : (change.data ?? current?.data ?? {});
  return {
    type: change.type,
    entityId: change.entityId,
    version,
    data,
    deleted,
    hlc,
    updatedBy: change.userId,
    deviceId: change.deviceId,
  };
}

function side(r: RecordState): ConflictSide {
  return { data: r.data, deleted: r.deleted, hlc: r.hlc, version: r.version, userId: r.updatedBy, deviceId: r.deviceId };
}
