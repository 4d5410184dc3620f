// "Your edits that lost", from two sources merged. Pure.
//  - the device's outbox: changes the server answered with a conflict that the other side won
//    (available offline);
//  - the server's conflict log (when online): entries whose loser is this user, on this device
//    or any other of theirs. This also covers a write that was applied first and lost later,
//    when another user's conflicting, later-stamped write replaced it (the push of that write
//    said "success"), wherever the author looks.
// The log also tells whether a coordinator restored the edit or accepted the winner.
import type { ConflictEntry } from '@/protocol/conflicts';

export type LostOutcome = 'open' | 'restored' | 'accepted';

export interface LostSide {
  readonly data: Record<string, unknown>;
  readonly deleted: boolean;
  readonly hlc: string;
  readonly userId: string | null;
  /** The author's name, when the server's log gave it. */
  readonly userName?: string | undefined;
}

export interface LostItem {
  readonly key: string;
  readonly recordId: string;
  readonly mine: LostSide;
  readonly won: LostSide | null;
  readonly outcome: LostOutcome;
  /** The lost edit was made on another device of this user (known from the log only). */
  readonly otherDevice: boolean;
  /** The conflict log's entry, when the log has it. */
  readonly conflictId: string | null;
}

export interface DeviceLoss {
  readonly changeId: string;
  readonly recordId: string;
  readonly mine: LostSide;
  readonly won: LostSide | null;
  /** The record shows exactly the lost data again. */
  readonly restoredOnDevice: boolean;
}

function outcomeOf(c: ConflictEntry): LostOutcome {
  if (c.status === 'open') return 'open';
  return c.resolvedAction === 'restore_loser' ? 'restored' : 'accepted';
}

const stampsOf = (c: ConflictEntry) => [c.loser.hlc, ...(c.clamped ? [c.clamped.originalHlc] : [])];

/** The side with its author's name from the device's kept names (user-names.ts) when the log gave none. */
function named(side: LostSide, names: ReadonlyMap<string, string>): LostSide {
  if (side.userName !== undefined || side.userId === null) return side;
  const name = names.get(side.userId.toLowerCase());
  return name === undefined ? side : { ...side, userName: name };
}

export function mergeLostEdits(
  device: readonly DeviceLoss[],
  log: readonly ConflictEntry[] | null,
  me: { userId: string; deviceId: string | null },
  names: ReadonlyMap<string, string> = new Map(),
): LostItem[] {
  const mineInLog = (log ?? []).filter((c) => c.loser.userId === me.userId);
  const used = new Set<string>();
  const items: LostItem[] = device.map((d) => {
    const c = mineInLog.find((x) => x.recordId === d.recordId && x.loser.deviceId === me.deviceId && stampsOf(x).includes(d.mine.hlc));
    if (c) used.add(c.id);
    const outcome: LostOutcome = d.restoredOnDevice ? 'restored' : c ? outcomeOf(c) : 'open';
    const fromLog = c && d.won ? { ...d.won, userName: c.winner.userName } : d.won;
    // Offline, or for a user the log no longer names: the name the device kept.
    const won = fromLog ? named(fromLog, names) : fromLog;
    return { key: d.changeId, recordId: d.recordId, mine: d.mine, won, outcome, otherDevice: false, conflictId: c?.id ?? null };
  });
  for (const c of mineInLog) {
    if (used.has(c.id)) continue;
    items.push({
      key: c.id,
      recordId: c.recordId,
      mine: { data: c.loser.data, deleted: c.loser.deleted, hlc: c.loser.hlc, userId: c.loser.userId },
      won: named({ data: c.winner.data, deleted: c.winner.deleted, hlc: c.winner.hlc, userId: c.winner.userId, userName: c.winner.userName }, names),
      outcome: outcomeOf(c),
      otherDevice: me.deviceId === null || c.loser.deviceId !== me.deviceId,
      conflictId: c.id,
    });
  }
  return items.sort((a, b) => (a.mine.hlc < b.mine.hlc ? 1 : a.mine.hlc > b.mine.hlc ? -1 : 0));
}
