// The app's conflict-log calls against the real handlers: pages followed by cursor, up to a bound.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/server/db/database';
import { testDatabases } from '@/server/db/test-databases';
import { insertConflict, side } from '@/server/sync/conflicts/test-conflicts';
import { createEntity, createUser, insertRecord } from '@/server/sync/pull/test-fixtures';
import { type TestServer, createTestServer } from '@/server/test-server';
import { fetchConflicts, fetchConflictsPage, resolveConflict } from './conflicts-api';

describe.each(testDatabases())('conflicts-api on $name', (factory) => {
  let database: Database;
  let server: TestServer;
  beforeAll(async () => {
    database = await factory.create();
    server = await createTestServer(database);
  });
  afterAll(async () => {
    await database.close();
  });
  /** fetch, answered by the server's handler itself. */
  const viaServer: typeof fetch = (input, init) => server.api.syncConflicts(new Request(new URL(String(input), 'http://test'), init));

  it('follows the cursor page after page, up to the bound it is given', async () => {
    const entity = await createEntity(database.db);
    const user = await createUser(server, 'coordinator', [entity]);
    const recordId = await insertRecord(database.db, { entityId: entity });
    await database.db.execute(
      sql`insert into sync_conflicts (record_id, entity_id, type, resolution, winner, loser, status)
          select ${recordId}, ${entity}, 'assessment', 'server_wins', ${JSON.stringify(side())}::jsonb, ${JSON.stringify(side())}::jsonb,
                 case when i % 2 = 0 then 'open' else 'resolved' end
          from generate_series(1, 250) i`,
    );
    const all = await fetchConflicts(user.token, undefined, viaServer);
    expect(all.complete).toBe(true);
    expect(new Set(all.conflicts.map((c) => c.id)).size).toBe(250);
    const open = await fetchConflicts(user.token, 'open', viaServer);
    expect(open.conflicts).toHaveLength(125);
    expect(open.conflicts.every((c) => c.status === 'open')).toBe(true);
    const bounded = await fetchConflicts(user.token, undefined, viaServer, 2);
    expect(bounded).toMatchObject({ complete: false });
    expect(bounded.conflicts.map((c) => c.id)).toEqual(all.conflicts.slice(0, 200).map((c) => c.id));

    const first = await fetchConflictsPage(user.token, { status: 'open' }, viaServer);
    expect(first.hasMore).toBe(true);
    const second = await fetchConflictsPage(user.token, { status: 'open', cursor: first.cursor! }, viaServer);
    expect(second.hasMore).toBe(false);
    expect([...first.conflicts, ...second.conflicts].map((c) => c.id)).toEqual(open.conflicts.map((c) => c.id));
  });

  it('restores a losing version, names who did it, and undoes the restore: the conflict is open again', async () => {
    const entity = await createEntity(database.db);
    const coordinator = await createUser(server, 'coordinator', [entity]);
    const recordId = await insertRecord(database.db, { entityId: entity, data: { title: 'winner' } });
    const conflictId = await insertConflict(database.db, { recordId, entityId: entity, winner: side({ data: { title: 'winner' } }), loser: side({ data: { title: 'loser' } }) });
    const resolveViaServer: typeof fetch = (input, init) => server.api.syncResolve(new Request(new URL(String(input), 'http://test'), init));

    const restored = await resolveConflict(coordinator.token, conflictId, 'restore_loser', resolveViaServer);
    expect(restored.conflict).toMatchObject({ status: 'resolved', resolvedAction: 'restore_loser', resolvedBy: coordinator.id });
    expect(restored.conflict.resolvedByName).toMatch(/@test\.fieldsync$/);
    expect(restored.record?.data).toEqual({ title: 'loser' });

    const undone = await resolveConflict(coordinator.token, conflictId, 'undo_restore', resolveViaServer);
    expect(undone.conflict.status).toBe('open');
    expect(undone.record?.data).toEqual({ title: 'winner' });
    const open = await fetchConflictsPage(coordinator.token, { status: 'open' }, viaServer);
    expect(open.conflicts.map((c) => c.id)).toContain(conflictId);
  });
});
