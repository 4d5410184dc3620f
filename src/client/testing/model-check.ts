// The end state of a multi-device model run, checked against the server's database:
//   - every device shows exactly the server's state (except its own rejected work),
//   - no outbox holds work (only rejected entries and what depends on them),
//   - every change that left a device is recorded once on the server, as applied, as a
//     conflict (with its log entry) or as rejected, and each record's version counts exactly
//     the changes applied to it (none applied twice),
//   - each record holds its latest write (by stamp).
// Also: a fresh entity per run (so runs do not see each other) and a time limit for a run.
import { type SQL, sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { selectBatch } from '@/core/batching';
import type { OutboxEntry } from '../db';
import type { Device } from './device';
import type { ModelStats } from './model-steps';

/** Runs a query on the server's database. */
export type Query = <T>(query: SQL) => Promise<T[]>;
/** Calls an admin endpoint as an admin. */
export type AdminCall = (method: 'POST' | 'PUT', path: string, body: unknown) => Promise<Response>;

export async function userIdsOf(query: Query, emails: readonly string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const email of emails) ids.push((await query<{ id: string }>(sql`select id from users where email = ${email}`))[0]!.id);
  return ids;
}

/** A fresh entity, and the given users assigned to it alone. */
export async function freshEntity(admin: AdminCall, userIds: readonly string[]): Promise<string> {
  const res = await admin('POST', '/api/v1/admin/entities', { name: `Run ${Date.now()}`, kind: 'camp' });
  const { entity } = (await res.json()) as { entity: { id: string } };
  for (const id of userIds) {
    const r = await admin('PUT', `/api/v1/admin/users/${id}/assignments`, { entityIds: [entity.id] });
    expect(r.status).toBe(200);
  }
  return entity.id;
}

/** A run that hangs fails (with the step it hung in) instead of stalling the suite. */
export async function withDeadline(run: Promise<void>, ms: number, where: () => string): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`run hung at step ${where()}`)), ms);
  });
  try {
    await Promise.race([run, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * fast-check's parameters of a model test: its seed (FIELDSYNC_MODEL_SEED replays one; with
 * FIELDSYNC_MODEL_PATH, the `path` of a failure, only the failing case) and number of runs
 * (FIELDSYNC_MODEL_RUNS).
 */
export function modelParams(defaultRuns: number): { seed: number; numRuns: number; path?: string } {
  const given = process.env.FIELDSYNC_MODEL_SEED;
  const seed = given ? Number(given) : Math.floor(Math.random() * 0x7fffffff);
  if (!Number.isSafeInteger(seed)) throw new Error(`FIELDSYNC_MODEL_SEED must be an integer, not ${given}`);
  const path = process.env.FIELDSYNC_MODEL_PATH;
  return { seed, numRuns: Number(process.env.FIELDSYNC_MODEL_RUNS ?? defaultRuns), ...(path ? { path } : {}) };
}

interface ServerRow { id: string; version: number; data: Record<string, unknown>; deleted: boolean }
interface LogRow { change_id: string; record_id: string | null; result: { status: string; resolution?: string } }

export async function checkConverged(query: Query, devices: readonly Device[], entityId: string, stats: ModelStats): Promise<void> {
  const serverRows = await query<ServerRow>(sql`select id, version, data, deleted from records where entity_id = ${entityId}`);
  const serverById = new Map(serverRows.map((r) => [r.id, r]));
  const entries: OutboxEntry[] = [];
  for (const d of devices) {
    const outbox = await d.engine.listOutbox();
    entries.push(...outbox);
    // no outbox still holds work: nothing sendable, nothing failed or in flight
    expect(outbox.filter((e) => e.status === 'failed' || e.status === 'syncing')).toEqual([]);
    const unsettled = outbox.filter((e) => e.status === 'pending' || e.status === 'rejected');
    expect(selectBatch(unsettled.map((e) => ({ ...e, bytes: 1 })))).toEqual([]);
    // the device shows the server's state, except records with its own rejected work
    const withUnsynced = new Set(unsettled.map((e) => e.recordId));
    const local = await d.engine.listRecords({ entityId, includeDeleted: true });
    for (const r of local) {
      if (withUnsynced.has(r.id)) continue;
      const s = serverById.get(r.id);
      expect(s, `${d.label} has ${r.id} that the server does not`).toBeDefined();
      expect({ version: r.version, data: r.data, deleted: r.deleted }).toEqual({ version: s!.version, data: s!.data, deleted: s!.deleted });
    }
    const localIds = new Set(local.map((r) => r.id));
    for (const s of serverRows) if (!withUnsynced.has(s.id)) expect(localIds.has(s.id), `${d.label} lacks ${s.id}`).toBe(true);
  }
  // every change that left a device is recorded once, with the outcome the device shows
  const sent = entries.filter((e) => e.status === 'completed' || e.status === 'conflict' || (e.status === 'rejected' && e.sent));
  const log = await query<LogRow>(sql`select change_id, record_id, result from sync_changes where change_id = any(${sql.raw(`array[${sent.map((e) => `'${e.changeId}'`).join(',') || "'00000000-0000-0000-0000-000000000000'"}]::uuid[]`)})`);
  const byChange = new Map(log.map((l) => [l.change_id, l.result]));
  const conflictRows = await query<{ change_id: string }>(sql`select change_id from sync_conflicts where entity_id = ${entityId}`);
  const conflictLogged = new Set(conflictRows.map((c) => c.change_id));
  for (const e of sent) {
    stats[e.status as 'completed' | 'conflict' | 'rejected'] += 1;
    const r = byChange.get(e.changeId);
    expect(r, `change ${e.changeId} (${e.status}) unknown to the server`).toBeDefined();
    if (e.status === 'completed') expect(r!.status).toBe('success');
    if (e.status === 'rejected') expect(r!.status).toBe('failed');
    if (e.status === 'conflict') {
      expect(r).toMatchObject({ status: 'conflict', resolution: e.winner === 'client' ? 'client_wins' : 'server_wins' });
      expect(conflictLogged.has(e.changeId)).toBe(true);
    }
  }
  // and nothing the server recorded from these devices is unknown to them (no ghost re-sends)
  const ids = devices.map((d) => d.engine.deviceId);
  const recorded = await query<{ change_id: string }>(sql`select change_id from sync_changes where device_id in ${sql.raw(`(${ids.map((i) => `'${i}'`).join(',')})`)}`);
  const known = new Set(entries.map((e) => e.changeId));
  expect(recorded.filter((r) => !known.has(r.change_id))).toEqual([]);
  // last write wins, and the latest write is never lost: each record holds the change with the greatest stamp
  const serverHlc = new Map((await query<{ id: string; hlc: string }>(sql`select id, hlc from records where entity_id = ${entityId}`)).map((r) => [r.id, r.hlc]));
  for (const s of serverRows) {
    const settled = entries.filter((e) => e.recordId === s.id && (e.status === 'completed' || e.status === 'conflict'));
    const latest = settled.sort((a, b) => (a.hlc < b.hlc ? 1 : -1))[0];
    if (!latest) continue;
    expect(serverHlc.get(s.id), `stamp of ${s.id}`).toBe(latest.hlc);
    expect(s.deleted).toBe(latest.action === 'delete');
    if (latest.action !== 'delete') expect(s.data).toEqual(latest.data);
  }
  // each record's version counts exactly the changes applied to it: none applied twice
  const applied = await query<{ record_id: string; n: number }>(
    sql`select record_id, count(*)::int as n from sync_changes
        where result->>'status' = 'success' or result->>'resolution' = 'client_wins' group by record_id`,
  );
  const appliedBy = new Map(applied.map((a) => [a.record_id, a.n]));
  for (const s of serverRows) expect(s.version, `version of ${s.id}`).toBe(appliedBy.get(s.id) ?? 0);
}
