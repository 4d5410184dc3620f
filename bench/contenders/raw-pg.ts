// The raw PostgreSQL baselines: the same rows written straight into a fresh database with the
// Fieldsync schema (same tables, indexes and feed triggers), with no HTTP, no auth, no checks:
//   tx     one transaction per 100 rows: idempotency-log insert (ON CONFLICT DO NOTHING),
//          then one multi-row upsert into records of the rows that were new;
//   pool   the same, 10 transactions at a time over a pool of 10 connections;
//   copy   COPY … FROM STDIN into sync_changes and records, one transaction (the floor).
import { Readable } from 'node:stream';
import pg from 'pg';
import { openDatabase } from '@/server/db/database';
import { copyFrom, copyText } from '../support/copy-from';
import { chunk, type BenchRecord } from '../support/data';
import { BackendCpu, createDatabase, dropDatabase } from '../support/postgres';

export const RAW_USER_ID = '0193a000-0000-7000-8000-0000000be0c1';

export class RawPostgres {
  private dbName = '';
  pool: pg.Pool | null = null;
  backends: BackendCpu | undefined;

  async start(entityIds: readonly string[]): Promise<void> {
    this.dbName = `fieldsync_bench_${process.pid}_raw_${Date.now().toString(36)}`;
    const url = await createDatabase(this.dbName);
    const database = await openDatabase({ url, poolSize: 1 });
    try {
      await database.migrate();
    } finally {
      await database.close();
    }
    this.pool = new pg.Pool({ connectionString: url, max: 10 });
    // An idle connection that ends (the database dropped at teardown) must not end the bench.
    this.pool.on('error', (e) => console.warn(`bench pool: ${e.message}`));
    for (const id of entityIds) await this.pool.query(`INSERT INTO entities (id, name, kind) VALUES ($1, $2, 'camp')`, [id, `Bench ${id.slice(-4)}`]);
    this.backends = new BackendCpu(this.dbName);
    // Open all 10 connections now, so no run pays for connecting.
    const clients = await Promise.all(Array.from({ length: 10 }, () => this.pool!.connect()));
    for (const c of clients) c.release();
  }

  async stop(): Promise<void> {
    await this.pool?.end();
    this.pool = null;
    if (this.dbName) await dropDatabase(this.dbName).catch((e: unknown) => console.warn(`could not drop ${this.dbName}: ${String(e)}`));
  }

  /** One transaction for up to 100 rows; returns how many rows were new. */
  async writeBatch(client: pg.PoolClient, rows: readonly BenchRecord[], deviceId: string): Promise<number> {
    await client.query('BEGIN');
    try {
      const fresh = await client.query<{ change_id: string }>(
        `INSERT INTO sync_changes (change_id, user_id, device_id, record_id, original_hlc, result)
         SELECT c, $4::uuid, $5, r, h, '{"status":"success","version":1}'::jsonb
         FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS t(c, r, h)
         ON CONFLICT (change_id) DO NOTHING RETURNING change_id`,
        [rows.map((r) => r.changeId), rows.map((r) => r.id), rows.map((r) => r.hlc), RAW_USER_ID, deviceId],
      );
      const isNew = new Set(fresh.rows.map((r) => r.change_id));
      const todo = rows.filter((r) => isNew.has(r.changeId));
      if (todo.length > 0) {
        await client.query(
          `INSERT INTO records (id, type, entity_id, version, data, hlc, updated_by, device_id)
           SELECT id, 'assessment', e, 1, d, h, $5::uuid, $6
           FROM unnest($1::uuid[], $2::uuid[], $3::jsonb[], $4::text[]) AS t(id, e, d, h)
           ON CONFLICT (id) DO UPDATE SET version = records.version + 1, data = EXCLUDED.data,
             hlc = EXCLUDED.hlc, updated_by = EXCLUDED.updated_by, device_id = EXCLUDED.device_id, deleted = false`,
          [todo.map((r) => r.id), todo.map((r) => r.entityId), todo.map((r) => JSON.stringify(r.data)), todo.map((r) => r.hlc), RAW_USER_ID, deviceId],
        );
      }
      await client.query('COMMIT');
      return todo.length;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw e;
    }
  }

  /** One connection, one transaction per 100 rows, one after another. */
  async writeSequential(rows: readonly BenchRecord[], deviceId: string): Promise<{ written: number; latenciesMs: number[] }> {
    const client = await this.pool!.connect();
    const latenciesMs: number[] = [];
    let written = 0;
    try {
      for (const batch of chunk(rows, 100)) {
        const t0 = performance.now();
        const k = await this.writeBatch(client, batch, deviceId);
        written += k;
        latenciesMs.push(performance.now() - t0);
      }
    } finally {
      client.release();
    }
    return { written, latenciesMs };
  }

  /** Batches of 100 as `streams` concurrent senders over the pool of 10 (each sender's batches in order). */
  async writeConcurrent(streams: ReadonlyArray<readonly BenchRecord[]>, deviceId: string): Promise<{ written: number; latenciesMs: number[] }> {
    const latenciesMs: number[] = [];
    let written = 0;
    await Promise.all(
      streams.map(async (rows, i) => {
        for (const batch of chunk(rows, 100)) {
          const t0 = performance.now();
          const client = await this.pool!.connect();
          try {
            const k = await this.writeBatch(client, batch, `${deviceId}-${i}`);
            written += k;
          } finally {
            client.release();
          }
          latenciesMs.push(performance.now() - t0);
        }
      }),
    );
    return { written, latenciesMs };
  }

  /** COPY of all rows into the log and the records, in one transaction. */
  async writeCopy(rows: readonly BenchRecord[], deviceId: string): Promise<number> {
    const client = await this.pool!.connect();
    try {
      await client.query('BEGIN');
      const log = rows.map((r) => [r.changeId, RAW_USER_ID, deviceId, r.id, r.hlc, '{"status":"success","version":1}'].map(copyText).join('\t') + '\n');
      // Lines go out in chunks of 500 (one CopyData message each), as a stream would send them.
      const stream = (lines: string[]) => Readable.from(chunk(lines, 500).map((part) => part.join('')));
      await copyFrom(client, 'COPY sync_changes (change_id, user_id, device_id, record_id, original_hlc, result) FROM STDIN', stream(log));
      const recs = rows.map((r) => [r.id, 'assessment', r.entityId, 1, JSON.stringify(r.data), r.hlc, RAW_USER_ID, deviceId].map(copyText).join('\t') + '\n');
      const n = await copyFrom(client, 'COPY records (id, type, entity_id, version, data, hlc, updated_by, device_id) FROM STDIN', stream(recs));
      await client.query('COMMIT');
      return n;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      client.release();
    }
  }

  async countByDevice(deviceIdPrefix: string): Promise<{ records: number; changes: number }> {
    const r = await this.pool!.query<{ records: number; changes: number }>(
      `SELECT (SELECT count(*)::int FROM records WHERE device_id LIKE $1) AS records,
              (SELECT count(*)::int FROM sync_changes WHERE device_id LIKE $1) AS changes`,
      [`${deviceIdPrefix}%`],
    );
    return r.rows[0]!;
  }
}
