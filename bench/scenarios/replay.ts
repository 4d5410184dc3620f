// (e) Replay of all 10,000 already-applied changes: the device lost the answers and sends its
// whole queue again (same change ids). Nothing may be applied twice; Fieldsync answers each
// change from its idempotency log. PouchDB: the same device store replicated again without a
// checkpoint (every revision is checked with _revs_diff, none is sent). Raw: the log insert
// finds every change id and the upsert has nothing to do.
import { createChange, type PushTally, type WireChange } from '../contenders/fieldsync';
import { replicateOptions } from '../contenders/pouchdb';
import type { BenchRecord } from '../support/data';
import { type AnyCase, defineCase } from '../support/runner';
import type { PouchDatabase, ReplicateResult } from '../pouchdb/types';
import { fieldsyncDeviceCounts, pushDevice } from './push';
import { expect, type World } from './world';

function applied<T>(m: Map<number, T>, run: number): T {
  const v = m.get(run);
  if (!v) throw new Error(`no push run ${run} to replay (the push scenario failed)`);
  return v;
}

export function replayCases(world: World): AnyCase[] {
  const { n } = world.sizes;
  const cases: AnyCase[] = [];
  for (const w of world.fieldsync) {
    cases.push(
      defineCase<{ device: string; changes: WireChange[]; tally?: PushTally }>({
        contender: w.id,
        changes: n,
        meters: () => ({ http: w.server.http, serverPid: w.server.pid, backends: w.server.backends }),
        prepare: async (run) => ({ device: pushDevice(run), changes: applied(w.applied, run).map(createChange) }),
        execute: async (p) => {
          p.tally = await w.server.push(w.pusher, p.device, p.changes);
        },
        verify: async (p) => {
          const problems = [...expect('answered as applied (first answer)', p.tally?.successful ?? -1, n), ...expect('failed', p.tally?.failed ?? -1, 0)];
          const db = await fieldsyncDeviceCounts(w, p.device);
          if (db) problems.push(...expect('records on the server', db.records, n), ...expect('idempotency log entries', db.changes, n), ...expect('highest version', db.maxVersion, 1));
          return problems;
        },
      }),
    );
  }
  const pw = world.pouch;
  if (pw) {
    cases.push(
      defineCase<{ local: PouchDatabase; before: number; result?: ReplicateResult }>({
        contender: 'pouchdb',
        changes: n,
        meters: () => ({ http: pw.server.http, serverPid: pw.server.pid }),
        prepare: async (run) => ({ local: applied(pw.applied, run).local, before: await pw.server.docCount('push') }),
        execute: async (p) => {
          p.result = await p.local.replicate.to(pw.server.remote('push'), replicateOptions({ checkpoint: false }));
        },
        verify: async (p) => [
          ...expect('documents written', p.result?.docs_written ?? -1, 0),
          ...expect('documents on the server', await pw.server.docCount('push'), p.before),
        ],
      }),
    );
  }
  const rw = world.raw;
  if (rw) {
    cases.push(
      defineCase<{ rows: BenchRecord[]; device: string; written?: number }>({
        contender: 'raw-tx',
        changes: n,
        meters: () => ({ backends: rw.db.backends }),
        prepare: async (run) => ({ rows: applied(rw.applied, run), device: `raw-tx-a-${run}` }),
        execute: async (p) => {
          const out = await rw.db.writeSequential(p.rows, p.device);
          p.written = out.written;
          return out;
        },
        verify: async (p) => {
          const db = await rw.db.countByDevice(p.device);
          return [...expect('rows written again', p.written ?? -1, 0), ...expect('records in the database', db.records, n)];
        },
      }),
    );
  }
  return cases;
}
