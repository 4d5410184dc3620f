import { describe, expect, it } from 'vitest';
import type { RecordState } from './apply-change';
import { type AccessSubject, type AccessView, checkAccess } from './change-access';

const E1 = '0193a000-0000-7000-8000-00000000c001';
const E2 = '0193a000-0000-7000-8000-00000000c002';
const A1 = '0193a000-0000-7000-8000-0000000000a1';
const SHA = 'a'.repeat(64);

const rec = (over: Partial<RecordState>): RecordState => ({
  type: 'assessment',
  entityId: E1,
  version: 1,
  data: {},
  deleted: false,
  hlc: '2026-11-26T08:00:00.000Z-0000-dev_a',
  updatedBy: 'u',
  deviceId: 'dev_a',
  ...over,
});

const view = (records: Record<string, RecordState>, entityIds = [E1]): AccessView => ({
  entityIds: new Set(entityIds),
  lookup: (id) => records[id],
});

const response = (over: Partial<AccessSubject> = {}): AccessSubject => ({
  type: 'response',
  action: 'create',
  entityId: E1,
  data: { assessmentId: A1 },
  ...over,
});

describe('access and references of one change', () => {
  it('refuses an entity that is not assigned', () => {
    expect(checkAccess({ type: 'assessment', action: 'create', entityId: E2, data: {} }, view({}))).toMatchObject({ code: 'FORBIDDEN' });
    expect(checkAccess({ type: 'assessment', action: 'create', entityId: E1, data: {} }, view({}))).toBeNull();
  });

  it('a response needs an existing, non-deleted assessment of the same entity', () => {
    expect(checkAccess(response(), view({ [A1]: rec({}) }))).toBeNull();
    expect(checkAccess(response(), view({}))).toMatchObject({ code: 'NOT_FOUND' });
    expect(checkAccess(response(), view({ [A1]: rec({ deleted: true }) }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(checkAccess(response(), view({ [A1]: rec({ type: 'media' }) }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(checkAccess(response(), view({ [A1]: rec({ entityId: E2 }) }, [E1, E2]))).toMatchObject({ code: 'FORBIDDEN' });
    // A deleted assessment of another entity says FORBIDDEN, not whether it is deleted.
    expect(checkAccess(response(), view({ [A1]: rec({ entityId: E2, deleted: true }) }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(checkAccess(response({ data: { answer: 1 } }), view({}))).toMatchObject({ code: 'VALIDATION' });
    expect(checkAccess(response({ data: { assessmentId: A1.toUpperCase() } }), view({ [A1]: rec({}) }))).toBeNull();
  });

  it('a delete of a response needs no assessment', () => {
    expect(checkAccess(response({ action: 'delete', data: undefined }), view({}))).toBeNull();
  });

  it('media data must match the schema and name a parent in the same entity', () => {
    const media = (data: Record<string, unknown>): AccessSubject => ({ type: 'media', action: 'create', entityId: E1, data });
    const ok = { parentId: A1, contentType: 'image/jpeg', size: 10, sha256: SHA, fileName: 'a.jpg' };
    expect(checkAccess(media(ok), view({ [A1]: rec({ type: 'response' }) }))).toBeNull();
    expect(checkAccess(media({ ...ok, sha256: 'x' }), view({ [A1]: rec({}) }))).toMatchObject({ code: 'VALIDATION' });
    expect(checkAccess(media(ok), view({}))).toMatchObject({ code: 'NOT_FOUND' });
    expect(checkAccess(media(ok), view({ [A1]: rec({ entityId: E2 }) }))).toMatchObject({ code: 'FORBIDDEN' });
  });
});
