import { describe, expect, it } from 'vitest';
import type { RecordState } from '@/core/apply-change';
import type { ChangeInput } from '@/protocol/push';
import { parseBatch } from './parse-batch';
import { planBatch } from './plan-batch';
import { NORTH, change, newId } from './push-test-kit';

// Which stored records a batch's writes lean on: the write checks them again (write-batch.ts).
const userId = newId();
const stored = (over: Partial<RecordState> = {}): RecordState => ({
  type: 'assessment',
  entityId: NORTH,
  version: 1,
  data: { title: 'Well 4' },
  deleted: false,
  hlc: change().hlc,
  updatedBy: userId,
  deviceId: 'dev_other',
  ...over,
});

function plan(changes: ChangeInput[], records: [string, RecordState][]) {
  const { items } = parseBatch({ deviceId: 'dev_p', changes });
  return planBatch({ items, userId, deviceId: 'dev_p', entityIds: [NORTH], now: Date.now(), records: new Map(records), seen: new Map() });
}

const responseTo = (assessmentId: string, over: Partial<ChangeInput> = {}) => change({ type: 'response', data: { assessmentId, answer: 'yes' }, ...over });

describe('the stored records a batch refers to', () => {
  it('lists a stored assessment its responses refer to, once however many refer to it', () => {
    const a = newId();
    const p = plan([responseTo(a), responseTo(a.toUpperCase())], [[a, stored()]]);
    expect(p.results.map((r) => r.status)).toEqual(['success', 'success']);
    expect(p.references).toEqual([a]);
  });

  it('leaves out an assessment the batch writes itself', () => {
    const created = change();
    const updated = newId();
    const p = plan(
      [created, responseTo(created.recordId), change({ recordId: updated, action: 'update', baseVersion: 1, data: { title: 'new' } }), responseTo(updated)],
      [[updated, stored()]],
    );
    expect(p.results.map((r) => r.status)).toEqual(['success', 'success', 'success', 'success']);
    expect(p.references).toEqual([]);
  });

  it('leaves out what refused changes and deletes refer to', () => {
    const deleted = newId();
    const response = newId();
    const p = plan(
      [responseTo(deleted), change({ type: 'response', recordId: response, action: 'delete', baseVersion: 1, data: undefined })],
      [
        [deleted, stored({ deleted: true })],
        [response, stored({ type: 'response', data: { assessmentId: newId() } })],
      ],
    );
    expect(p.results.map((r) => (r.status === 'failed' ? r.code : r.status))).toEqual(['NOT_FOUND', 'success']);
    expect(p.references).toEqual([]);
  });
});
