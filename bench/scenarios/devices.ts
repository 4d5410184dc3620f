// (c) 50 devices pushing 200 changes each at once, all devices starting together: every
// Fieldsync device sends its queue in batches of 100 as the app's engine sends one (PUSH_LANES
// independent batches in flight), every PouchDB device replicates as its replicator does.
// Throughput counts all changes over the time until the last device is done; latency is per
// HTTP request (per transaction for raw PostgreSQL, including the wait for a pooled connection).
import { PUSH_LANES } from '@/client/push';
import { createChange, emptyTally, type PushTally, type WireChange } from '../contenders/fieldsync';
import { fillLocal, replicateOptions, toDoc } from '../contenders/pouchdb';
import { makeRecords, type BenchRecord } from '../support/data';
import { type AnyCase, defineCase } from '../support/runner';
import type { PouchDatabase, ReplicateResult } from '../pouchdb/types';
import { fieldsyncDeviceCounts } from './push';
import { ENTITIES, expect, type World } from './world';

export function deviceCases(world: World): AnyCase[] {
  const { devices, perDevice, deviceUsers } = world.sizes;
  const total = devices * perDevice;
  const ids = Array.from({ length: devices }, (_, d) => d);
  const cases: AnyCase[] = [];
  for (const w of world.fieldsync) {
    cases.push(
      defineCase<{ run: number; queues: WireChange[][]; tallies: PushTally[] }>({
        contender: w.id,
        changes: total,
        meters: () => ({ http: w.server.http, serverPid: w.server.pid, backends: w.server.backends }),
        prepare: async (run) => ({
          run,
          queues: ids.map((d) => makeRecords(perDevice, ENTITIES.push, `bench-c-${run}-${d}`).map(createChange)),
          tallies: [],
        }),
        execute: async (p) => {
          p.tallies = await Promise.all(ids.map((d) => w.server.push(w.deviceTokens[d % deviceUsers]!, `bench-c-${p.run}-${d}`, p.queues[d]!, true, emptyTally(), PUSH_LANES)));
        },
        verify: async (p) => {
          w.expected.records += total;
          w.expected.changes += total;
          const ok = p.tallies.reduce((s, t) => s + t.successful, 0);
          const problems = expect('applied', ok, total);
          const db = await fieldsyncDeviceCounts(w, `bench-c-${p.run}-%`);
          if (db) problems.push(...expect('records on the server', db.records, total), ...expect('idempotency log entries', db.changes, total));
          return problems;
        },
      }),
    );
  }
  const pw = world.pouch;
  if (pw) {
    cases.push(
      defineCase<{ locals: PouchDatabase[]; before: number; results: ReplicateResult[] }>({
        contender: 'pouchdb',
        changes: total,
        meters: () => ({ http: pw.server.http, serverPid: pw.server.pid }),
        setup: () => pw.server.createDb('devices'),
        prepare: async (run) => {
          const locals: PouchDatabase[] = [];
          for (const d of ids) {
            const local = pw.server.local(`device-${run}-${d}`);
            await fillLocal(local, makeRecords(perDevice, ENTITIES.push, `bench-c-${run}-${d}`).map(toDoc));
            locals.push(local);
          }
          return { locals, before: await pw.server.docCount('devices'), results: [] };
        },
        execute: async (p) => {
          p.results = await Promise.all(p.locals.map((l) => l.replicate.to(pw.server.remote('devices'), replicateOptions())));
        },
        verify: async (p) => {
          const written = p.results.reduce((s, r) => s + r.docs_written, 0);
          const problems = [...expect('documents written', written, total), ...expect('documents on the server', (await pw.server.docCount('devices')) - p.before, total)];
          await Promise.all(p.locals.map((l) => l.close()));
          return problems;
        },
      }),
    );
  }
  const rw = world.raw;
  if (rw) {
    cases.push(
      defineCase<{ queues: BenchRecord[][]; device: string; written?: number }>({
        contender: 'raw-pool10',
        changes: total,
        meters: () => ({ backends: rw.db.backends }),
        prepare: async (run) => ({ queues: ids.map((d) => makeRecords(perDevice, ENTITIES.push, `raw-c-${run}-${d}`)), device: `raw-c-${run}` }),
        execute: async (p) => {
          const out = await rw.db.writeConcurrent(p.queues, p.device);
          p.written = out.written;
          return out;
        },
        verify: async (p) => {
          const db = await rw.db.countByDevice(`${p.device}-`);
          return [...expect('rows written', p.written ?? -1, total), ...expect('records in the database', db.records, total)];
        },
      }),
    );
  }
  return cases;
}
