// End to end through the real handlers on every test database: writes pushed by one device
// reach other devices' pulls (and only the entities they may see); a conflict from two pushes
// shows in the log, its loser is restored, and the restored write reaches every device.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatHlc } from '@/core/hlc';
import type { ConflictEntry, ResolveResponse } from '@/protocol/conflicts';
import type { ChangeInput, PushResponse } from '@/protocol/push';
import type { SyncStatusResponse } from '@/protocol/status';
import type { ApiName } from '../../api';
import type { Database } from '../../db/database';
import { testDatabases } from '../../db/test-databases';
import { DEMO_ENTITIES } from '../../seed/demo';
import { type TestServer, createTestServer } from '../../test-server';
import { sql } from 'drizzle-orm';
import { rows } from '../../db/database';
import { type Follower, apply, follower, pullPage, pullUntilDone } from './test-fixtures';

const E = DEMO_ENTITIES;

describe.each(testDatabases())('push, then pull, on $name', (factory) => {
  let database: Database;
  let server: TestServer;
  const tokens: Record<'ana' | 'ben' | 'cora', string> = { ana: '', ben: '', cora: '' };
  let counter = 0;
  beforeAll(async () => {
    database = await factory.create();
    server = await createTestServer(database, { syncRequestsPerMinute: 1_000_000 });
    for (const name of ['ana', 'ben', 'cora'] as const) tokens[name] = await server.token(`${name}@demo.fieldsync`);
  });
  afterAll(async () => {
    await database.close();
  });

  const hlc = (node: string, aheadMs = 0) => formatHlc({ ms: server.clock.now() + aheadMs, counter: ++counter, node });
  const call = async <T>(name: ApiName, url: string, token: string, body?: unknown) => {
    const handler = server.api[name];
    const init: RequestInit = { headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } };
    if (body !== undefined) Object.assign(init, { method: 'POST', body: JSON.stringify(body) });
    const res = await handler(new Request(`http://test${url}`, init));
    const json = (await res.json()) as T;
    if (res.status !== 200) throw new Error(`${name}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const push = (who: 'ana' | 'ben' | 'cora', changes: ChangeInput[]) =>
    call<PushResponse>('syncPush', '/api/v1/sync/batch', tokens[who], { deviceId: `dev_${who}`, changes });
  const create = (entityId: string, data: Record<string, unknown>, node: string): ChangeInput => ({
    changeId: randomUUID(),
    type: 'assessment',
    action: 'create',
    recordId: randomUUID(),
    entityId,
    baseVersion: 0,
    hlc: hlc(node),
    data,
  });

  it('delivers pushed creates, updates and deletes to pulls of the entities each user may see', async () => {
    const ana = follower();
    const ben = follower();
    await pullUntilDone(server, tokens.ana, ana);
    await pullUntilDone(server, tokens.ben, ben);

    const north = create(E.campNorth.id, { site: 'north' }, 'dev_ana');
    const south = create(E.campSouth.id, { site: 'south' }, 'dev_ana');
    const pushed = await push('ana', [north, south]);
    expect(pushed.successful).toHaveLength(2);

    await pullUntilDone(server, tokens.ben, ben);
    expect(ben.records.has(north.recordId)).toBe(false);
    expect(ben.records.get(south.recordId)).toMatchObject({ version: 1, data: { site: 'south' }, entityId: E.campSouth.id });
    await pullUntilDone(server, tokens.ana, ana);
    expect(ana.records.has(north.recordId) && ana.records.has(south.recordId)).toBe(true);

    await push('ana', [
      { ...south, changeId: randomUUID(), action: 'update', baseVersion: 1, hlc: hlc('dev_ana'), data: { site: 'south', n: 2 } },
      { changeId: randomUUID(), type: 'assessment', action: 'delete', recordId: north.recordId, entityId: E.campNorth.id, baseVersion: 1, hlc: hlc('dev_ana') },
    ]);
    const benPages = await pullUntilDone(server, tokens.ben, ben);
    expect(benPages.flatMap((p) => p.changes.map((c) => c.id))).toEqual([south.recordId]);
    expect(ben.records.get(south.recordId)).toMatchObject({ version: 2, data: { n: 2 } });
    await pullUntilDone(server, tokens.ana, ana);
    expect(ana.records.get(north.recordId)).toMatchObject({ version: 2, deleted: true, data: { site: 'north' } });
  });

  it('logs a conflict from two pushes; restoring the loser reaches every device', async () => {
    const rec = create(E.campSouth.id, { v: 'base' }, 'dev_ana');
    await push('ana', [rec]);
    const ana = follower();
    const ben = follower();
    await pullUntilDone(server, tokens.ana, ana);
    await pullUntilDone(server, tokens.ben, ben);

    // Both edit version 1; ben's stamp is later, so ben wins and ana's edit is the loser.
    const anaEdit = { ...rec, changeId: randomUUID(), action: 'update' as const, baseVersion: 1, hlc: hlc('dev_ana', 10), data: { v: 'ana' } };
    const benEdit = { ...rec, changeId: randomUUID(), action: 'update' as const, baseVersion: 1, hlc: hlc('dev_ben', 20), data: { v: 'ben' } };
    await push('ben', [benEdit]);
    const lost = await push('ana', [anaEdit]);
    expect(lost.conflicts).toMatchObject([{ resolution: 'server_wins' }]);

    const status = await call<SyncStatusResponse>('syncStatus', '/api/v1/sync/status', tokens.cora);
    expect(status.openConflicts).toBeGreaterThanOrEqual(1);
    expect(status.lastPush).toBeUndefined(); // cora has not pushed
    const { conflicts } = await call<{ conflicts: ConflictEntry[] }>('syncConflicts', `/api/v1/sync/conflicts?status=open&entityId=${E.campSouth.id}`, tokens.cora);
    const entry = conflicts.find((c) => c.recordId === rec.recordId)!;
    expect(entry).toMatchObject({ resolution: 'server_wins', winner: { data: { v: 'ben' } }, loser: { data: { v: 'ana' }, deviceId: 'dev_ana' } });

    const restored = await call<ResolveResponse>('syncResolve', '/api/v1/sync/resolve', tokens.cora, { conflictId: entry.id, action: 'restore_loser' });
    expect(restored.record).toMatchObject({ version: 3, data: { v: 'ana' } });
    const after = await call<SyncStatusResponse>('syncStatus', '/api/v1/sync/status', tokens.cora);
    expect(after.openConflicts).toBe(status.openConflicts - 1);

    for (const f of [ana, ben]) {
      await pullUntilDone(server, f === ana ? tokens.ana : tokens.ben, f);
      expect(f.records.get(rec.recordId)).toMatchObject({ version: 3, data: { v: 'ana' }, hlc: restored.record!.hlc });
    }
    // and a device editing the restored version goes on from it without a conflict
    const next = await push('ben', [{ ...rec, changeId: randomUUID(), action: 'update', baseVersion: 3, hlc: hlc('dev_ben', 30), data: { v: 'ben again' } }]);
    expect(next.successful).toMatchObject([{ version: 4 }]);
  });

  it('with devices pushing concurrently while others pull, every puller ends with every record it may see', async () => {
    const sees = {
      ana: [E.campNorth.id, E.campSouth.id],
      ben: [E.campSouth.id, E.riverside.id],
      cora: [E.campNorth.id, E.campSouth.id, E.riverside.id],
    } as const;
    const who = ['ana', 'ben', 'cora'] as const;
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(Math.random() * xs.length)]!;
    const known = new Map<string, { entityId: string; version: number }>();
    let pushing = true;

    const device = async (name: (typeof who)[number]) => {
      for (let b = 0; b < 15; b++) {
        const changes: ChangeInput[] = [];
        const used = new Set<string>();
        for (let i = 0; i < 1 + Math.floor(Math.random() * 8); i++) {
          const mine = [...known].filter(([id, r]) => !used.has(id) && (sees[name] as readonly string[]).includes(r.entityId));
          if (mine.length > 0 && Math.random() < 0.4) {
            const [recordId, r] = pick(mine);
            used.add(recordId);
            changes.push({ changeId: randomUUID(), type: 'assessment', action: 'update', recordId, entityId: r.entityId, baseVersion: r.version, hlc: hlc(`dev_${name}`), data: { by: name, b, i } });
          } else changes.push(create(pick(sees[name]), { by: name, b, i }, `dev_${name}`));
        }
        const res = await push(name, changes);
        for (const r of [...res.successful, ...res.conflicts]) {
          const c = changes.find((x) => x.changeId === r.changeId)!;
          if (r.version !== undefined) known.set(c.recordId, { entityId: c.entityId, version: r.version });
        }
      }
    };
    const puller = async (name: (typeof who)[number], f: Follower) => {
      while (pushing) {
        const r = await pullPage(server, tokens[name], { cursor: f.cursor, limit: 1 + Math.floor(Math.random() * 20), settle: false });
        expect(r.status).toBe(200);
        apply(f, r.body);
        // A real device waits between pulls; without a macrotask here the in-process pullers
        // (PGlite answers through microtasks only) would starve the pushers' retry timers.
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    };
    const followers = { ana: follower(), ben: follower(), cora: follower() };
    const pulling = Promise.all(who.map((n) => puller(n, followers[n])));
    try {
      await Promise.all(who.flatMap((n) => [device(n), device(n)]));
    } finally {
      pushing = false; // also when a push failed: no puller may outlive the test
      await pulling;
    }

    const truth = await rows<{ id: string; entity_id: string; version: number; data: unknown }>(
      database.db,
      sql`select id, entity_id, version, data from records`,
    );
    for (const n of who) {
      await pullUntilDone(server, tokens[n], followers[n], 1000);
      const want = truth.filter((r) => (sees[n] as readonly string[]).includes(r.entity_id));
      const wrong = want.filter((r) => {
        const got = followers[n].records.get(r.id);
        return !got || got.version !== r.version || JSON.stringify(got.data) !== JSON.stringify(r.data);
      });
      expect(wrong, n).toEqual([]);
      expect(followers[n].records.size).toBe(want.length);
    }
  });
});
