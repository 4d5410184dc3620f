import { afterEach, describe, expect, it } from 'vitest';
import { OutboxActionError } from './errors';
import type { OutboxEntry } from './db';
import { type UnsyncedExport, pruneSettled } from './outbox-queue';
import { fakeDb } from './testing/fake-env';
import { ENTITY, type Harness, OTHER_ENTITY, harness } from './testing/engine-harness';

let h: Harness;
afterEach(async () => h?.close());

async function started(opts: Parameters<typeof harness>[0] = {}) {
  h = await harness(opts);
  h.engine.start();
  await h.engine.whenLeader();
  await h.idle();
}

describe('the sync queue', () => {
  it('retries a rejected entry under a new change id once the user asks', async () => {
    await started();
    await h.engine.create({ type: 'assessment', entityId: OTHER_ENTITY, data: {} });
    await h.idle();
    const [rejected] = await h.engine.listOutbox();
    expect(rejected).toMatchObject({ status: 'rejected', code: 'FORBIDDEN' });
    h.server.entities.push({ id: OTHER_ENTITY, name: 'Riverside', kind: 'clinic' }); // now assigned
    await h.engine.retry(rejected!.changeId);
    await h.idle();
    const [after] = await h.engine.listOutbox();
    expect(after).toMatchObject({ status: 'completed', seq: rejected!.seq });
    expect(after!.changeId).not.toBe(rejected!.changeId);
  });

  it('discards a pending update and shows the server state again', async () => {
    await started();
    const rec = await h.engine.create({ type: 'assessment', entityId: ENTITY, data: { v: 'synced' } });
    await h.idle();
    h.env.net.emit('offline');
    await h.engine.update(rec.id, { v: 'local' });
    const pending = (await h.engine.listOutbox())[1]!;
    await h.engine.discard(pending.changeId);
    expect(await h.engine.getRecord(rec.id)).toMatchObject({ data: { v: 'synced' }, version: 1 });
    expect(await h.engine.listOutbox()).toHaveLength(1);
  });

  it('discards a create the server never had, and its record with it', async () => {
    await started();
    h.env.net.emit('offline');
    const rec = await h.engine.create({ type: 'assessment', entityId: ENTITY, data: {} });
    await h.engine.discard((await h.engine.listOutbox())[0]!.changeId);
    expect(await h.engine.getRecord(rec.id)).toBeUndefined();
  });

  it('refuses to discard an entry while it is being sent', async () => {
    await started();
    h.env.net.emit('offline');
    await h.engine.create({ type: 'assessment', entityId: ENTITY, data: {} });
    const [e] = await h.engine.listOutbox();
    await h.engine.db.outbox.put({ ...e!, status: 'syncing', sentAt: 1, attempts: 1, sent: true } as OutboxEntry);
    await expect(h.engine.discard(e!.changeId)).rejects.toBeInstanceOf(OutboxActionError);
  });

  it('keeps completed entries visible for the retention time, then prunes them', async () => {
    await started({ retentionMs: 60 * 60 * 1000 });
    await h.engine.create({ type: 'assessment', entityId: ENTITY, data: {} });
    await h.idle();
    h.env.time.advance(59 * 60 * 1000);
    await h.engine.syncNow();
    expect(await h.engine.listOutbox()).toHaveLength(1);
    h.env.time.advance(2 * 60 * 1000);
    await h.engine.syncNow();
    expect(await h.engine.listOutbox()).toHaveLength(0);
  });

  it('prunes only settled entries past the cutoff, whatever else the outbox holds', async () => {
    const db = fakeDb(`prune-${Math.random()}`);
    const base = { recordId: 'r', type: 'assessment', entityId: ENTITY, action: 'update', baseVersion: 1, hlc: 'h', data: {}, parentId: null, sent: true, createdAt: 0, updatedAt: 0, attempts: 1, lastError: null };
    const rows = [
      { changeId: 'old-completed', status: 'completed', version: 2, settledAt: 100 },
      { changeId: 'old-conflict', status: 'conflict', winner: 'server', version: 3, settledAt: 200 },
      { changeId: 'new-completed', status: 'completed', version: 4, settledAt: 1_000 },
      { changeId: 'pending', status: 'pending', nextAttemptAt: null },
      { changeId: 'failed', status: 'failed', nextAttemptAt: null },
      { changeId: 'rejected', status: 'rejected', code: 'VALIDATION' },
    ];
    await db.outbox.bulkAdd(rows.map((r) => ({ ...base, ...r }) as unknown as OutboxEntry));
    expect(await pruneSettled(db, 900, 500)).toBe(2);
    expect((await db.outbox.orderBy('seq').toArray()).map((e) => e.changeId)).toEqual(['new-completed', 'pending', 'failed', 'rejected']);
    db.close();
  });

  it('exports every unsynced entry with its record as JSON', async () => {
    await started();
    await h.engine.create({ type: 'assessment', entityId: ENTITY, data: { sent: true } });
    await h.idle();
    h.env.net.emit('offline');
    const rec = await h.engine.create({ type: 'assessment', entityId: ENTITY, data: { sent: false } });
    const doc = JSON.parse(await h.engine.exportUnsynced()) as UnsyncedExport;
    expect(doc.format).toBe('fieldsync-unsynced/1');
    expect(doc.deviceId).toBe(h.engine.deviceId);
    expect(doc.entries).toHaveLength(1);
    expect(doc.entries[0]).toMatchObject({ recordId: rec.id, status: 'pending', record: { data: { sent: false } } });
    const blob = await h.engine.exportUnsyncedBlob();
    expect(blob.type).toBe('application/json');
  });
});
