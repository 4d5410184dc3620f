// (b) Pull into a fresh device: all 10,000 records a user may see, and 10,000 of 50,000
// selected by entity (Fieldsync: the user's assignment; PouchDB: filtered replication with a
// design-document filter on entityId, evaluated by the server).
import { FILTER_DDOC, replicateOptions, toDoc } from '../contenders/pouchdb';
import { makeRecords } from '../support/data';
import { type AnyCase, defineCase } from '../support/runner';
import type { PouchDatabase, ReplicateResult } from '../pouchdb/types';
import { loadFieldsync } from './setup';
import { ENTITIES, expect, type World } from './world';

export function pullCases(world: World, selective: boolean): AnyCase[] {
  const { n, big, pullLimit } = world.sizes;
  const cases: AnyCase[] = [];
  for (const w of world.fieldsync) {
    cases.push(
      defineCase<{ got: number; foreign: number; distinct: number }>({
        contender: w.id,
        changes: n,
        meters: () => ({ http: w.server.http, serverPid: w.server.pid, backends: w.server.backends }),
        setup: async () => {
          if (!selective) await loadFieldsync(w, ENTITIES.pull[0], n, 'pull-0');
          else for (let i = 1; i < 5; i++) await loadFieldsync(w, ENTITIES.pull[i]!, Math.round((big - n) / 4), `pull-${i}`);
        },
        prepare: async () => ({ got: 0, foreign: 0, distinct: 0 }),
        execute: async (p) => {
          const records = await w.server.pullAll(w.puller, pullLimit);
          p.got = records.length;
          p.distinct = new Set(records.map((r) => r.id)).size;
          p.foreign = records.filter((r) => r.entityId !== ENTITIES.pull[0]).length;
        },
        verify: async (p) => [...expect('records pulled', p.got, n), ...expect('distinct records', p.distinct, n), ...expect('records of other entities', p.foreign, 0)],
      }),
    );
  }
  const pw = world.pouch;
  if (pw) {
    const dbName = selective ? 'pull_big' : 'pull_small';
    cases.push(
      defineCase<{ local: PouchDatabase; result?: ReplicateResult }>({
        contender: 'pouchdb',
        changes: n,
        meters: () => ({ http: pw.server.http, serverPid: pw.server.pid }),
        setup: async () => {
          await pw.server.createDb(dbName);
          await pw.server.load(dbName, makeRecords(n, ENTITIES.pull[0], 'loader').map(toDoc));
          if (selective) {
            for (let i = 1; i < 5; i++) await pw.server.load(dbName, makeRecords(Math.round((big - n) / 4), ENTITIES.pull[i]!, 'loader').map(toDoc));
            await pw.server.load(dbName, [FILTER_DDOC]);
          }
        },
        prepare: async (run) => ({ local: pw.server.local(`pull-${selective ? 'sel' : 'all'}-${run}`) }),
        execute: async (p) => {
          const opts = selective ? replicateOptions({ filter: 'bench/byEntity', query_params: { entityId: ENTITIES.pull[0] } }) : replicateOptions();
          p.result = await p.local.replicate.from(pw.server.remote(dbName), opts);
        },
        verify: async (p) => {
          const info = await p.local.info();
          await p.local.destroy();
          return [...expect('documents in the device store', info.doc_count, n), ...expect('write failures', p.result?.doc_write_failures ?? -1, 0)];
        },
      }),
    );
  }
  return cases;
}
