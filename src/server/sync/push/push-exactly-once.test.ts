import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { PushResponseSchema } from '@/protocol/push';
import { type Database, rows } from '../../db/database';
import { testDatabases } from '../../db/test-databases';
import { change, newId, type PushKit, SOUTH, storedRecord, withPushKit } from './push-test-kit';

describe.each(testDatabases())('push applies every change exactly once on $name', (factory) => {
  let database: Database;
  let kit: PushKit;
  withPushKit(factory, (d, k) => ([database, kit] = [d, k]));

  const logged = (changeId: string) =>
    rows<{ user_id: string; device_id: string; record_id: string | null; original_hlc: string | null; result: unknown }>(
      database.db,
      sql`select user_id, device_id, record_id, original_hlc, result from sync_changes where change_id = ${changeId}`,
    );

  it('records every change id with the result given, in the same transaction as its effect', async () => {
    const c = change();
    const res = PushResponseSchema.parse(await kit.push('ana', [c], 'dev_ana'));
    expect(res.successful).toEqual([{ changeId: c.changeId, recordId: c.recordId, offlineId: c.recordId, serverId: c.recordId, status: 'success', version: 1 }]);
    const [row] = await logged(c.changeId);
    // The result without the ids it repeats (the change and the row have them).
    expect(row).toEqual({ user_id: await kit.userId('ana'), device_id: 'dev_ana', record_id: c.recordId, original_hlc: c.hlc, result: { status: 'success', version: 1 } });
  });

  it('answers a replay from a result logged in full, with its ids, as earlier versions logged it', async () => {
    const c = change();
    const first = await kit.push('ana', [c]);
    const full = first.successful[0]!;
    await database.db.execute(sql`update sync_changes set result = ${JSON.stringify(full)}::jsonb where change_id = ${c.changeId}`);
    const again = await kit.push('ana', [c]);
    expect(again.successful).toEqual([full]);
  });

  it('answers a replayed batch with the first answers and changes nothing', async () => {
    const a = change();
    const b = change({ recordId: a.recordId, action: 'update', baseVersion: 1, hlc: kit.stamp(1) });
    const stale = change({ recordId: a.recordId, action: 'update', baseVersion: 1, hlc: kit.stamp(-60_000) });
    const bad = change({ entityId: 'not-a-uuid' });
    const batch = [a, b, stale, bad];
    const first = await kit.push('ana', batch);
    expect(first.successful.map((r) => r.version)).toEqual([1, 2]);
    expect(first.conflicts).toMatchObject([{ changeId: stale.changeId, resolution: 'server_wins', version: 2 }]);
    expect(first.failed).toMatchObject([{ changeId: bad.changeId, code: 'VALIDATION' }]);
    const before = await storedRecord(database, a.recordId);
    const conflictsBefore = await rows(database.db, sql`select id from sync_conflicts where record_id = ${a.recordId}`);

    const again = await kit.push('ana', batch);
    expect({ ...again, serverHlc: '' }).toEqual({ ...first, serverHlc: '' });
    expect(await storedRecord(database, a.recordId)).toEqual(before);
    expect(before?.version).toBe(2);
    expect(await rows(database.db, sql`select id from sync_conflicts where record_id = ${a.recordId}`)).toEqual(conflictsBefore);
  });

  it('a replay inside a new batch answers the old result and applies the rest', async () => {
    const a = change();
    await kit.push('ana', [a]);
    const fresh = change({ recordId: a.recordId, action: 'update', baseVersion: 1, hlc: kit.stamp(5) });
    const res = await kit.push('ana', [a, fresh]);
    expect(res.successful.map((r) => [r.changeId, r.version])).toEqual([
      [a.changeId, 1],
      [fresh.changeId, 2],
    ]);
    expect((await storedRecord(database, a.recordId))?.version).toBe(2);
  });

  it("refuses another user's change id without revealing anything, and leaves it alone", async () => {
    const c = change({ entityId: SOUTH });
    await kit.push('ana', [c]);
    const theirs = { ...c, recordId: newId(), data: { other: true } };
    const res = await kit.push('ben', [theirs]);
    expect(res.failed).toEqual([
      {
        changeId: c.changeId,
        recordId: theirs.recordId,
        offlineId: theirs.recordId,
        serverId: theirs.recordId,
        status: 'failed',
        code: 'VALIDATION',
        message: 'this changeId cannot be used',
      },
    ]);
    expect(await storedRecord(database, theirs.recordId)).toBeUndefined();
    const [row] = await logged(c.changeId);
    expect(row?.user_id).toBe(await kit.userId('ana'));
  });

  it('records a change that failed validation, so a replay answers the same', async () => {
    const c = change({ surprise: 1 });
    const first = await kit.push('ana', [c]);
    expect(first.failed).toMatchObject([{ changeId: c.changeId, status: 'failed', code: 'VALIDATION' }]);
    expect(first.failed[0]?.message).toMatch(/surprise/);
    const { changeId: _c, recordId: _r, offlineId: _o, serverId: _s, ...stored } = first.failed[0]!;
    expect((await logged(c.changeId))[0]?.result).toEqual(stored);
    // Sent again, now well formed: the first answer stands.
    const { surprise: _, ...fixed } = c as typeof c & { surprise: number };
    const again = await kit.push('ana', [fixed]);
    expect(again.failed).toEqual(first.failed);
    expect(await storedRecord(database, c.recordId)).toBeUndefined();
  });

  it('answers an item without a usable changeId with the changeId as given, and records nothing', async () => {
    const res = await kit.push('ana', [{ changeId: 'nope', type: 'assessment' }, { changeId: 42 }]);
    expect(res.failed.map((r) => [r.changeId, r.code, r.recordId])).toEqual([
      ['nope', 'VALIDATION', null],
      ['', 'VALIDATION', null],
    ]);
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)('concurrent pushes on postgres', () => {
  const factory = testDatabases().find((f) => f.name === 'postgres')!;
  let database: Database;
  let kit: PushKit;
  withPushKit(factory, (d, k) => ([database, kit] = [d, k]));

  it('two requests carrying the same changes at the same moment apply them once', async () => {
    for (let round = 0; round < 5; round++) {
      const changes = Array.from({ length: 20 }, () => change());
      const [a, b, c] = await Promise.all([kit.push('ana', changes), kit.push('ana', changes), kit.push('ana', changes)]);
      for (const res of [a, b, c]) expect(res.successful.map((r) => r.version)).toEqual(changes.map(() => 1));
      const ids = changes.map((x) => x.recordId);
      const stored = await rows<{ n: number; v: number }>(
        database.db,
        sql`select count(*)::int as n, max(version)::int as v from records where id in (select value::uuid from jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`,
      );
      expect(stored[0]).toEqual({ n: 20, v: 1 });

      const updates = changes.map((x) => change({ recordId: x.recordId, action: 'update', baseVersion: 1, hlc: kit.stamp(round + 1), data: { round } }));
      const again = await Promise.all([kit.push('ana', updates), kit.push('ana', updates)]);
      for (const res of again) expect(res.successful.map((r) => r.version)).toEqual(changes.map(() => 2));
      const after = await rows<{ n: number; v: number }>(
        database.db,
        sql`select count(*)::int as n, max(version)::int as v from records where id in (select value::uuid from jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`,
      );
      expect(after[0]).toEqual({ n: 20, v: 2 });
      const [logged] = await rows<{ n: number }>(
        database.db,
        sql`select count(*)::int as n from sync_changes where change_id in (select value::uuid from jsonb_array_elements_text(${JSON.stringify(updates.map((u) => u.changeId))}::jsonb))`,
      );
      expect(logged?.n).toBe(20);
    }
  });

  it('concurrent creates of one record id by different changes: one creates, the others conflict', async () => {
    const recordId = newId();
    const creates = Array.from({ length: 6 }, (_, i) => change({ recordId, hlc: kit.stamp(i, 0, `dev_${i}`), data: { n: i } }));
    const answers = await Promise.all(creates.map((c) => kit.push('ana', [c])));
    const successes = answers.flatMap((r) => r.successful);
    const conflicts = answers.flatMap((r) => r.conflicts);
    expect(successes).toHaveLength(1);
    expect(successes[0]?.version).toBe(1);
    expect(conflicts).toHaveLength(5);
    const stored = await storedRecord(database, recordId);
    const applied = 1 + conflicts.filter((c) => c.resolution === 'client_wins').length;
    expect(stored?.version).toBe(applied);
    const [log] = await rows<{ n: number }>(database.db, sql`select count(*)::int as n from sync_conflicts where record_id = ${recordId}`);
    expect(log?.n).toBe(5);
  });

  it('concurrent updates from one base: one succeeds, the rest are conflicts, versions never repeat', async () => {
    const base = change();
    await kit.push('ana', [base]);
    const updates = Array.from({ length: 8 }, (_, i) =>
      change({ recordId: base.recordId, action: 'update', baseVersion: 1, hlc: kit.stamp(10 + i, 0, `dev_${i}`), data: { n: i } }),
    );
    const answers = await Promise.all(updates.map((c, i) => kit.push(i % 2 ? 'ana' : 'cora', [c])));
    const all = answers.flatMap((r) => [...r.successful, ...r.conflicts]);
    expect(answers.flatMap((r) => r.successful)).toHaveLength(1);
    const written = all.filter((r) => r.status === 'success' || r.resolution === 'client_wins').map((r) => r.version);
    expect(new Set(written).size).toBe(written.length);
    expect((await storedRecord(database, base.recordId))?.version).toBe(1 + written.length);
  });
});
