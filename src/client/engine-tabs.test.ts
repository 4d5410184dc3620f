import { afterEach, describe, expect, it } from 'vitest';
import type { OutboxEntry } from './db';
import { ENTITY, type Harness, harness } from './testing/engine-harness';

let h: Harness;
afterEach(async () => h?.close());

async function until(check: () => Promise<boolean> | boolean, rounds = 50) {
  for (let i = 0; i < rounds; i++) {
    if (await check()) return;
    await h.idle();
  }
  throw new Error('condition not reached');
}

describe('one syncing tab per device', () => {
  it('lets one tab sync while another watches, and hands over when the syncing tab closes', async () => {
    h = await harness();
    const tabA = h.engine;
    const tabB = await h.reopen();
    tabA.start();
    tabB.start();
    await tabA.whenLeader();
    await h.idle();
    expect([tabA.isLeader, tabB.isLeader]).toEqual([true, false]);
    await tabB.create({ type: 'assessment', entityId: ENTITY, data: { from: 'B' } });
    await until(async () => (await tabB.listOutbox())[0]?.status === 'completed');
    await until(() => tabB.store.getState().counts.completed === 1);
    await tabA.stop();
    await tabB.whenLeader();
    await tabB.create({ type: 'assessment', entityId: ENTITY, data: { from: 'B again' } });
    await h.idle();
    expect(h.server.pushes()).toHaveLength(2);
    expect(tabB.store.getState().leader).toBe(true);
  });

  it('passes "sync now" from a watching tab to the syncing tab', async () => {
    h = await harness();
    const tabB = await h.reopen();
    h.engine.start();
    tabB.start();
    await h.engine.whenLeader();
    await h.idle();
    const pulls = () => h.server.requests.filter((r) => r.path === '/api/v1/sync/pull').length;
    const before = pulls();
    h.env.time.advance(1);
    await tabB.syncNow();
    await until(() => pulls() > before);
  });

  it('runs unlocked when the Web Locks API is unavailable', async () => {
    h = await harness({ locks: null });
    h.engine.start();
    await h.engine.whenLeader();
    await h.engine.create({ type: 'assessment', entityId: ENTITY, data: {} });
    await h.idle();
    expect(h.server.pushes()).toHaveLength(1);
  });
});

describe('surviving reloads', () => {
  it('puts entries left syncing by a crash back to pending with the same change id, and sends them', async () => {
    h = await harness();
    const rec = await h.engine.create({ type: 'assessment', entityId: ENTITY, data: {} });
    const [e] = await h.engine.listOutbox();
    await h.engine.db.outbox.put({ ...e!, status: 'syncing', sentAt: 1, attempts: 1, sent: true } as OutboxEntry);
    h.engine.db.close(); // the tab died mid-flight
    const reloaded = await h.reopen();
    reloaded.start();
    await reloaded.whenLeader();
    await h.idle();
    expect(h.server.pushes()[0]!.changes[0]!.changeId).toBe(e!.changeId);
    expect((await reloaded.listOutbox())[0]).toMatchObject({ status: 'completed', changeId: e!.changeId });
    expect(await reloaded.getRecord(rec.id)).toMatchObject({ version: 1 });
  });

  it('keeps the device id and clock across reloads', async () => {
    h = await harness();
    const a = await h.engine.create({ type: 'assessment', entityId: ENTITY, data: {} });
    const reloaded = await h.reopen();
    expect(reloaded.deviceId).toBe(h.engine.deviceId);
    expect(reloaded.deviceId).toMatch(/^dev_[0-9a-f]{16}$/);
    const b = await reloaded.create({ type: 'assessment', entityId: ENTITY, data: {} });
    expect(b.hlc > a.hlc).toBe(true);
  });
});
