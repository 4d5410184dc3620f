import { describe, expect, it } from 'vitest';
import type { ConflictEntry } from '@/protocol/conflicts';
import { type DeviceLoss, mergeLostEdits } from './lost-edits';

const me = { userId: 'u-ana', deviceId: 'dev_ana' };
const stamp = (s: number, node = 'dev_ana') => `2026-11-26T10:00:${String(s).padStart(2, '0')}.000Z-0000-${node}`;

function conflict(over: Partial<ConflictEntry> & { loserHlc: string; loserUser?: string; loserDevice?: string }): ConflictEntry {
  const { loserHlc, loserUser = 'u-ana', loserDevice = 'dev_ana', ...rest } = over;
  return {
    id: `c-${loserHlc}`,
    type: 'assessment',
    recordId: 'r1',
    entityId: 'e1',
    status: 'open',
    resolution: 'client_wins',
    winner: { data: { title: 'Ben' }, deleted: false, hlc: stamp(30, 'dev_ben'), version: 3, userId: 'u-ben', deviceId: 'dev_ben' },
    loser: { data: { title: 'Ana' }, deleted: false, hlc: loserHlc, version: 2, userId: loserUser, deviceId: loserDevice },
    createdAt: '2026-11-26T10:01:00.000Z',
    ...rest,
  };
}

const deviceLoss = (hlc: string, restoredOnDevice = false): DeviceLoss => ({
  changeId: `ch-${hlc}`,
  recordId: 'r1',
  mine: { data: { title: 'Ana' }, deleted: false, hlc, userId: 'u-ana' },
  won: { data: { title: 'Ben' }, deleted: false, hlc: stamp(30, 'dev_ben'), userId: 'u-ben' },
  restoredOnDevice,
});

describe('your edits that lost', () => {
  it('shows the device’s lost changes while offline (no log)', () => {
    expect(mergeLostEdits([deviceLoss(stamp(10))], null, me).map((i) => [i.key, i.outcome])).toEqual([[`ch-${stamp(10)}`, 'open']]);
  });

  it('adds a write that was applied and lost later, found only in the server’s log', () => {
    const items = mergeLostEdits([], [conflict({ loserHlc: stamp(10) })], me);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ recordId: 'r1', outcome: 'open', mine: { data: { title: 'Ana' } }, won: { data: { title: 'Ben' }, userId: 'u-ben' } });
  });

  it('shows a change once when both the device and the log have it, with the log’s outcome', () => {
    const restored = conflict({ loserHlc: stamp(10), status: 'resolved', resolvedAction: 'restore_loser' });
    const accepted = conflict({ loserHlc: stamp(12), status: 'resolved', resolvedAction: 'accept' });
    const items = mergeLostEdits([deviceLoss(stamp(10)), deviceLoss(stamp(12))], [restored, accepted], me);
    expect(items.map((i) => [i.mine.hlc, i.outcome])).toEqual([
      [stamp(12), 'accepted'],
      [stamp(10), 'restored'],
    ]);
  });

  it('matches a clamped stamp by the original the device sent', () => {
    const clamped = conflict({ loserHlc: stamp(20), clamped: { originalHlc: stamp(59) } });
    expect(mergeLostEdits([deviceLoss(stamp(59))], [clamped], me)).toHaveLength(1);
  });

  it('ignores log entries lost by other users', () => {
    expect(mergeLostEdits([], [conflict({ loserHlc: stamp(1), loserUser: 'u-ben' })], me)).toEqual([]);
  });

  it('shows the author an edit made on another of their devices and overwritten later, marked as such, with the winner’s name', () => {
    const entry = conflict({ loserHlc: stamp(2, 'dev_phone'), loserDevice: 'dev_phone' });
    const withName = { ...entry, winner: { ...entry.winner, userName: 'Ben' } };
    const items = mergeLostEdits([], [withName], me);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ otherDevice: true, conflictId: withName.id, won: { userName: 'Ben' }, mine: { data: { title: 'Ana' } } });
  });

  it('does not match a device loss to another device’s log entry with the same stamp', () => {
    const other = conflict({ loserHlc: stamp(10), loserDevice: 'dev_phone' });
    const items = mergeLostEdits([deviceLoss(stamp(10))], [other], me);
    expect(items.map((i) => i.otherDevice).sort()).toEqual([false, true]);
  });

  it('names the winner offline from the names kept on the device, and prefers the log’s name', () => {
    const kept = new Map([['u-ben', 'Ben Field']]);
    expect(mergeLostEdits([deviceLoss(stamp(10))], null, me, kept)[0]?.won?.userName).toBe('Ben Field');
    expect(mergeLostEdits([deviceLoss(stamp(10))], null, me)[0]?.won?.userName).toBeUndefined();
    const entry = conflict({ loserHlc: stamp(10) });
    const withName = { ...entry, winner: { ...entry.winner, userName: 'Ben F.' } };
    expect(mergeLostEdits([deviceLoss(stamp(10))], [withName], me, kept)[0]?.won?.userName).toBe('Ben F.');
  });

  it('counts a record showing the lost data again as restored, even offline', () => {
    expect(mergeLostEdits([deviceLoss(stamp(10), true)], null, me)[0]?.outcome).toBe('restored');
  });
});
