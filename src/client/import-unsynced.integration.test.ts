// Importing an exported file of unsynced work on another device of the same user, then syncing
// against the REAL server handlers (in process, on PGlite): each change reaches the server once,
// under its original change id, even when the exporting device sends it too.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, rows } from '@/server/db/database';
import { DEMO_ENTITIES } from '@/server/seed/demo';
import type { TestServer } from '@/server/test-server';
import { importUnsynced } from './import-unsynced';
import { type DemoUser, type InProcessWorld, inProcessWorld } from './testing/in-process-world';
import { idleAll } from './testing/device';
import type { FakeTime } from './testing/fake-env';
import { currentUserId } from './token-user';
import { UnsyncedFileError, parseUnsyncedFile } from './unsynced-file';

const NORTH = DEMO_ENTITIES.campNorth.id;

let world: InProcessWorld;
let database: Database;
let server: TestServer;
let time: FakeTime;

beforeAll(async () => {
  world = await inProcessWorld();
  ({ database, server, time } = world);
}, 120_000);

afterAll(async () => world?.close());

const device = (label: string, user: DemoUser) => world.device(label, user);
const stored = (id: string) => world.stored(id);

/** How many times the server saw each change id, and the record it wrote. */
async function seen(changeIds: readonly string[]): Promise<Map<string, number>> {
  const found = await rows<{ change_id: string; n: number }>(
    database.db,
    sql`select change_id, count(*)::int as n from sync_changes where change_id in (${sql.join(changeIds.map((c) => sql`${c}`), sql`, `)}) group by change_id`,
  );
  return new Map(found.map((r) => [r.change_id, r.n]));
}

describe('importing unsynced work on another device', () => {
  it('syncs each change exactly once with its original change id, and a second import adds nothing', async () => {
    const old = await device('ana-old', 'ana');
    old.env.net.emit('offline');
    const a = await old.engine.create({ type: 'assessment', entityId: NORTH, data: { title: 'Latrines block C' } });
    await old.engine.update(a.id, { title: 'Latrines block C (checked)' });
    const b = await old.engine.create({ type: 'assessment', entityId: NORTH, data: { title: 'Water point 4' } });
    const r = await old.engine.create({ type: 'response', entityId: NORTH, data: { assessmentId: b.id, respondent: 'Household 3' } });
    const exported = await old.engine.exportUnsynced();
    const changeIds = (await old.engine.listOutbox()).map((e) => e.changeId);
    expect(changeIds).toHaveLength(3); // the update of a coalesced into its create

    const fresh = await device('ana-new', 'ana');
    const me = await currentUserId(fresh.engine.db);
    fresh.env.net.emit('offline');
    const file = await parseUnsyncedFile(exported, me);
    expect(await importUnsynced(fresh.engine.db, file, time.now())).toEqual({ imported: 3, already: 0 });
    expect(await importUnsynced(fresh.engine.db, file, time.now())).toEqual({ imported: 0, already: 3 });
    expect((await fresh.engine.listOutbox()).map((e) => e.changeId)).toEqual(changeIds);
    expect((await fresh.engine.getRecord(a.id))?.data).toEqual({ title: 'Latrines block C (checked)' });
    expect((await fresh.engine.getRecord(r.id))?.data).toMatchObject({ respondent: 'Household 3' });

    fresh.env.net.emit('online');
    await fresh.engine.syncNow();
    await idleAll([fresh]);
    expect((await fresh.engine.listOutbox()).map((e) => e.status)).toEqual(['completed', 'completed', 'completed']);
    expect(await stored(a.id)).toMatchObject({ version: 1, data: { title: 'Latrines block C (checked)' } });

    // The exporting device comes back and sends the same changes: the server answers from its
    // idempotency log and writes nothing twice.
    old.env.net.emit('online');
    await old.engine.syncNow();
    await idleAll([old, fresh]);
    expect((await old.engine.listOutbox()).every((e) => e.status === 'completed')).toBe(true);
    expect(await seen(changeIds)).toEqual(new Map(changeIds.map((c) => [c, 1])));
    expect(await stored(a.id)).toMatchObject({ version: 1 });
    expect(await stored(b.id)).toMatchObject({ version: 1 });
    expect(await stored(r.id)).toMatchObject({ version: 1 });

    // Once synced and pruned from the outbox, the file's changes are still known as the server's.
    time.advance(48 * 60 * 60 * 1000);
    server.clock.advance(48 * 60 * 60 * 1000);
    await fresh.engine.syncNow();
    await idleAll([fresh]);
    expect(await fresh.engine.listOutbox()).toHaveLength(0);
    expect(await importUnsynced(fresh.engine.db, file, time.now())).toEqual({ imported: 0, already: 3 });
  });

  it('refuses another user’s file and changes nothing', async () => {
    const ana = await device('ana-x', 'ana');
    ana.env.net.emit('offline');
    await ana.engine.create({ type: 'assessment', entityId: DEMO_ENTITIES.campSouth.id, data: { title: 'Shared site' } });
    const exported = await ana.engine.exportUnsynced();
    const ben = await device('ben-x', 'ben');
    const before = await ben.engine.listOutbox();
    await expect(parseUnsyncedFile(exported, await currentUserId(ben.engine.db))).rejects.toSatisfy((e) => e instanceof UnsyncedFileError && e.problem === 'otherUser');
    expect(await ben.engine.listOutbox()).toEqual(before);
  });
});
