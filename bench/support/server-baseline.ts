// The raw baseline of `npm run bench:server`: the same rows written straight into PostgreSQL
// with `pg`, one transaction per 100 rows: an idempotency-log insert, then one multi-row upsert
// into records. No HTTP, no auth, no checks, no conflict rule: the floor the push path is
// measured against.
import type pg from 'pg';
import type { ChangeInput } from '@/protocol/push';

export async function writeBaselineBatch(client: pg.ClientBase, changes: readonly ChangeInput[], userId: string, deviceId: string): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query(
      `INSERT INTO sync_changes (change_id, user_id, device_id, record_id, original_hlc, result)
       SELECT c, $4::uuid, $5, r, h, jsonb_build_object('status', 'success', 'version', 1)
       FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS t(c, r, h)
       ON CONFLICT (change_id) DO NOTHING`,
      [changes.map((c) => c.changeId), changes.map((c) => c.recordId), changes.map((c) => c.hlc), userId, deviceId],
    );
    await client.query(
      `INSERT INTO records (id, type, entity_id, version, data, hlc, updated_by, device_id)
       SELECT id, 'assessment', e, 1, d, h, $5::uuid, $6
       FROM unnest($1::uuid[], $2::uuid[], $3::jsonb[], $4::text[]) AS t(id, e, d, h)
       ON CONFLICT (id) DO UPDATE SET version = records.version + 1, data = EXCLUDED.data, deleted = false,
         hlc = EXCLUDED.hlc, updated_by = EXCLUDED.updated_by, device_id = EXCLUDED.device_id`,
      [
        changes.map((c) => c.recordId),
        changes.map((c) => c.entityId),
        changes.map((c) => JSON.stringify(c.data ?? {})),
        changes.map((c) => c.hlc),
        userId,
        deviceId,
      ],
    );
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  }
}
