import { validate as uuidValidate, version as uuidVersion } from 'uuid';
import { afterEach, describe, expect, it } from 'vitest';
import { HLC_PATTERN } from '@/protocol';
import type { FieldsyncDb, OutboxEntry } from './db';
import { ensureDeviceId } from './device';
import { RecordNotFoundError, RecordValidationError, StorageQuotaError } from './errors';
import { type WriteContext, createRecord, deleteRecord, updateRecord } from './local-writes';
import { fakeDb } from './testing/fake-env';

const ENTITY = '0193a6f0-0000-7000-8000-000000000001';
let db: FieldsyncDb;
let ctx: WriteContext;
let now = Date.parse('2026-11-26T08:00:00.000Z');

async function setup() {
  db = fakeDb();
  await ensureDeviceId(db);
  ctx = { db, now: () => now };
}
afterEach(() => db?.close());

const outbox = () => db.outbox.orderBy('seq').toArray();

describe('local writes', () => {
  it('opens the database with strict durability', async () => {
    await setup();
    expect(db._options.chromeTransactionDurability).toBe('strict');
  });

  it('writes the record and its outbox entry together, with a UUID v7 id, base version 0 and an HLC stamp', async () => {
    await setup();
    const rec = await createRecord(ctx, { type: 'assessment', entityId: ENTITY, data: { title: 'a' } });
    expect(uuidValidate(rec.id) && uuidVersion(rec.id)).toBe(7);
    const [entry] = await outbox();
    expect(entry).toMatchObject({ recordId: rec.id, action: 'create', baseVersion: 0, status: 'pending', attempts: 0, data: { title: 'a' }, sent: false });
    expect(entry!.hlc).toMatch(HLC_PATTERN);
    expect(uuidVersion(entry!.changeId)).toBe(7);
    expect(await db.records.get(rec.id)).toMatchObject({ data: { title: 'a' }, version: 0, server: null });
  });

  it('stamps every write later than the one before, even when the wall clock goes back', async () => {
    await setup();
    const a = await createRecord(ctx, { type: 'assessment', entityId: ENTITY, data: {} });
    now -= 60_000;
    const b = await updateRecord(ctx, a.id, { x: 1 });
    expect(b.hlc > a.hlc).toBe(true);
    expect(a.hlc.endsWith(`-${(await db.meta.get('deviceId'))!.value as string}`)).toBe(true);
  });

  it('coalesces create + updates into one create carrying the latest data', async () => {
    await setup();
    const rec = await createRecord(ctx, { type: 'assessment', entityId: ENTITY, data: { v: 1 } });
    await updateRecord(ctx, rec.id, { v: 2 });
    await updateRecord(ctx, rec.id, { v: 3 });
    const entries = await outbox();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ action: 'create', data: { v: 3 } });
  });

  it('leaves nothing to send for a create deleted before it was sent', async () => {
    await setup();
    const rec = await createRecord(ctx, { type: 'assessment', entityId: ENTITY, data: { v: 1 } });
    await deleteRecord(ctx, rec.id);
    expect(await outbox()).toEqual([]);
    expect(await db.records.get(rec.id)).toBeUndefined();
  });

  it('never coalesces into an entry being sent, or one that was ever sent: adds a new entry', async () => {
    await setup();
    const rec = await createRecord(ctx, { type: 'assessment', entityId: ENTITY, data: { v: 1 } });
    const [first] = await outbox();
    await db.outbox.put({ ...first!, status: 'syncing', sentAt: now, attempts: 1, sent: true } as OutboxEntry);
    await updateRecord(ctx, rec.id, { v: 2 });
    await db.outbox.put({ ...first!, status: 'failed', nextAttemptAt: null, attempts: 1, lastError: 'x', sent: true } as OutboxEntry);
    await deleteRecord(ctx, rec.id);
    const entries = await outbox();
    expect(entries.map((e) => [e.action, e.data])).toEqual([
      ['create', { v: 1 }],
      ['delete', null],
    ]);
    expect(entries[1]!.changeId).not.toBe(entries[0]!.changeId);
  });

  it('refuses invalid data before saving anything', async () => {
    await setup();
    await expect(createRecord(ctx, { type: 'response', entityId: ENTITY, data: { answer: 1 } })).rejects.toThrow(RecordValidationError);
    await expect(createRecord(ctx, { type: 'assessment', entityId: 'nope', data: {} })).rejects.toThrow(RecordValidationError);
    await expect(updateRecord(ctx, '0193a6f0-0000-7000-8000-00000000dead', {})).rejects.toThrow(RecordNotFoundError);
    expect(await outbox()).toEqual([]);
    expect(await db.records.count()).toBe(0);
  });

  it('records the parent of a response so it is sent after its assessment', async () => {
    await setup();
    const a = await createRecord(ctx, { type: 'assessment', entityId: ENTITY, data: {} });
    await createRecord(ctx, { type: 'response', entityId: ENTITY, data: { assessmentId: a.id } });
    expect((await outbox())[1]!.parentId).toBe(a.id);
  });

  it('surfaces a full disk as StorageQuotaError and saves neither record nor entry', async () => {
    await setup();
    db.close();
    db.use({
      stack: 'dbcore',
      name: 'quota',
      create: (down) => ({
        ...down,
        table: (name) => {
          const t = down.table(name);
          return name === 'outbox' ? { ...t, mutate: () => Promise.reject(new DOMException('full', 'QuotaExceededError')) } : t;
        },
      }),
    });
    await db.open();
    await expect(createRecord(ctx, { type: 'assessment', entityId: ENTITY, data: { v: 1 } })).rejects.toBeInstanceOf(StorageQuotaError);
    expect(await db.records.count()).toBe(0);
  });
});
