// (a) Push 10,000 queued changes after reconnect: one device sends its whole queue, in
// batches of 100, one after another. Raw PostgreSQL writes the same rows three ways.
// And the same queue sent as the app's engine sends it: PUSH_LANES independent batches in flight,
// beside PouchDB's replicator again.
import { PUSH_LANES } from '@/client/push';
import { createChange, type PushTally, type WireChange } from '../contenders/fieldsync';
import { fillLocal, replicateOptions, toDoc } from '../contenders/pouchdb';
import { chunk, makeRecords, type BenchRecord } from '../support/data';
import type { Execution } from '../support/measure';
import { type AnyCase, type ContenderId, defineCase } from '../support/runner';
import type { PouchDatabase, ReplicateResult } from '../pouchdb/types';
import { ENTITIES, expect, type FieldsyncWorld, type World } from './world';

export const pushDevice = (run: number): string => `bench-a-${run}`;
const engineDevice = (run: number): string => `bench-a2-${run}`;

export async function fieldsyncDeviceCounts(w: FieldsyncWorld, deviceLike: string): Promise<{ records: number; changes: number; maxVersion: number } | null> {
  if (!w.server.sql) return null;
  const r = await w.server.sql.query<{ records: number; changes: number; max_version: number | null }>(
    `SELECT (SELECT count(*)::int FROM records WHERE device_id LIKE $1) AS records,
            (SELECT max(version)::int FROM records WHERE device_id LIKE $1) AS max_version,
            (SELECT count(*)::int FROM sync_changes WHERE device_id LIKE $1) AS changes`,
    [deviceLike],
  );
  const row = r.rows[0]!;
  return { records: row.records, changes: row.changes, maxVersion: row.max_version ?? 0 };
}

export function pushCases(world: World): AnyCase[] {
  const { n } = world.sizes;
  const cases: AnyCase[] = [];
  for (const w of world.fieldsync) {
    cases.push(
      defineCase<{ device: string; records: BenchRecord[]; changes: WireChange[]; tally?: PushTally }>({
        contender: w.id,
        changes: n,
        meters: () => ({ http: w.server.http, serverPid: w.server.pid, backends: w.server.backends }),
        prepare: async (run) => {
          const records = makeRecords(n, ENTITIES.push, pushDevice(run));
          return { device: pushDevice(run), records, changes: records.map(createChange) };
        },
        execute: async (p) => {
          p.tally = await w.server.push(w.pusher, p.device, p.changes);
        },
        verify: async (p, run) => {
          w.applied.set(run, p.records);
          w.expected.records += n;
          w.expected.changes += n;
          const problems = [...expect('applied', p.tally?.successful ?? -1, n), ...expect('failed', p.tally?.failed ?? -1, 0)];
          const db = await fieldsyncDeviceCounts(w, pushDevice(run));
          if (db) problems.push(...expect('records on the server', db.records, n), ...expect('idempotency log entries', db.changes, n));
          return problems;
        },
      }),
    );
  }
  if (world.pouch) cases.push(pouchPushCase(world.pouch, n, 'push'));
  const rw = world.raw;
  if (rw) {
    const raw = (contender: ContenderId, write: (rows: BenchRecord[], device: string) => Promise<Execution & { written: number }>): AnyCase =>
      defineCase<{ rows: BenchRecord[]; device: string; written?: number }>({
        contender,
        changes: n,
        meters: () => ({ backends: rw.db.backends }),
        prepare: async (run) => ({ rows: makeRecords(n, ENTITIES.push, `${contender}-${run}`), device: `${contender}-a-${run}` }),
        execute: async (p) => {
          const out = await write(p.rows, p.device);
          p.written = out.written;
          return out;
        },
        verify: async (p, run) => {
          if (contender === 'raw-tx') rw.applied.set(run, p.rows);
          const db = await rw.db.countByDevice(p.device);
          return [...expect('rows written', p.written ?? -1, n), ...expect('records in the database', db.records, n), ...expect('log entries', db.changes, n)];
        },
      });
    cases.push(
      raw('raw-tx', (rows, device) => rw.db.writeSequential(rows, device)),
      raw('raw-pool10', (rows, device) => rw.db.writeConcurrent(chunk(rows, Math.ceil(rows.length / 10)), device)),
      raw('raw-copy', async (rows, device) => ({ written: await rw.db.writeCopy(rows, device) })),
    );
  }
  return cases;
}

/**
 * PouchDB's replicator pushing a device's queue of `n` to a database of its own, `db`: in the
 * push scenario (whose runs the replay sends again), and again in push-engine, so that
 * the goal's ratio compares runs that took turns with each other through the same spells of the
 * machine (a slow spell during one scenario alone would skew the ratio).
 */
function pouchPushCase(pw: NonNullable<World['pouch']>, n: number, db: 'push' | 'push-engine'): AnyCase {
  const device = db === 'push' ? pushDevice : (run: number) => `bench-a2p-${run}`;
  return defineCase<{ local: PouchDatabase; records: BenchRecord[]; revs: Map<string, string>; before: number; result?: ReplicateResult }>({
    contender: 'pouchdb',
    changes: n,
    meters: () => ({ http: pw.server.http, serverPid: pw.server.pid }),
    setup: () => pw.server.createDb(db),
    prepare: async (run) => {
      const records = makeRecords(n, ENTITIES.push, device(run));
      const local = pw.server.local(`${db}-${run}`);
      const revs = new Map((await fillLocal(local, records.map(toDoc))).map((r) => [r.id, r.rev]));
      return { local, records, revs, before: await pw.server.docCount(db) };
    },
    execute: async (p) => {
      p.result = await p.local.replicate.to(pw.server.remote(db), replicateOptions());
    },
    verify: async (p, run) => {
      if (db === 'push') pw.applied.set(run, { local: p.local, records: p.records, revs: p.revs });
      return [...expect('documents written', p.result?.docs_written ?? -1, n), ...expect('documents on the server', (await pw.server.docCount(db)) - p.before, n)];
    },
  });
}

/**
 * The queue of (a) sent as the engine sends it: PUSH_LANES batches in flight; PouchDB's
 * replicator as in (a), sending its own way.
 */
export function pushEngineCases(world: World): AnyCase[] {
  const { n } = world.sizes;
  const fieldsync = world.fieldsync.map((w) =>
    defineCase<{ device: string; changes: WireChange[]; tally?: PushTally }>({
      contender: w.id,
      changes: n,
      meters: () => ({ http: w.server.http, serverPid: w.server.pid, backends: w.server.backends }),
      prepare: async (run) => {
        const records = makeRecords(n, ENTITIES.push, engineDevice(run));
        return { device: engineDevice(run), changes: records.map(createChange) };
      },
      execute: async (p) => {
        p.tally = await w.server.push(w.pusher, p.device, p.changes, true, undefined, PUSH_LANES);
      },
      verify: async (p, run) => {
        w.expected.records += n;
        w.expected.changes += n;
        const problems = [...expect('applied', p.tally?.successful ?? -1, n), ...expect('failed', p.tally?.failed ?? -1, 0)];
        const db = await fieldsyncDeviceCounts(w, engineDevice(run));
        if (db) problems.push(...expect('records on the server', db.records, n), ...expect('idempotency log entries', db.changes, n));
        return problems;
      },
    }),
  );
  return world.pouch ? [...fieldsync, pouchPushCase(world.pouch, n, 'push-engine')] : fieldsync;
}
