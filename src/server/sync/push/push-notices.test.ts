import { describe, expect, it } from 'vitest';
import type { BatchPlan } from './plan-batch';
import { pushNotices } from './push-notices';

const side = (userId: string) => ({ data: {}, deleted: false, hlc: '2026-12-05T00:00:00.000Z-0000-dev', version: 1, userId, deviceId: 'dev' });
const write = (entityId: string) => ({ id: `r-${entityId}`, previousVersion: null, record: { type: 'assessment', entityId, version: 1, data: {}, deleted: false, hlc: 'h', updatedBy: 'u', deviceId: 'd' } });
const conflict = (entityId: string, resolution: 'client_wins' | 'server_wins', winner: string, loser: string) => ({
  changeId: 'c',
  recordId: `rec-${entityId}`,
  entityId,
  type: 'assessment',
  resolution,
  winner: side(winner),
  loser: side(loser),
  clampedFrom: null,
});

describe('pushNotices', () => {
  it('announces nothing for a batch that wrote nothing', () => {
    expect(pushNotices({ writes: [], conflicts: [] })).toEqual([]);
  });

  it('names each written entity once, and the users another user\'s later write overwrote', () => {
    const plan = {
      writes: [write('e1'), write('e1'), write('e2')],
      conflicts: [conflict('e1', 'client_wins', 'ben', 'ana'), conflict('e2', 'server_wins', 'cora', 'ben'), conflict('e2', 'client_wins', 'ana', 'ana')],
    } as unknown as Pick<BatchPlan, 'writes' | 'conflicts'>;
    expect(pushNotices(plan)).toEqual([
      { k: 'records', e: ['e1', 'e2'] },
      { k: 'conflicts', e: ['e1', 'e2'], o: [{ u: 'ana', r: 'rec-e1' }] },
    ]);
  });
});
