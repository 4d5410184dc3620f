// (d) 20% of the changes conflict. Each run takes the records of the same push run (version 1
// on the server); another device of the same user edits every fifth of them first (not
// measured); then the first device pushes an edit of every record based on version 1. Half of
// the conflicting edits carry a later stamp than the other device's (client_wins), half an
// earlier one (server_wins). Either way exactly one loser per conflict must be in the log.
// PouchDB: the same edits on the server and on the device store; replication then leaves
// exactly those documents with conflicting revisions.
import { type PushTally, type WireChange, updateChange } from '../contenders/fieldsync';
import { fillLocal, replicateOptions } from '../contenders/pouchdb';
import { payload, stamp } from '../support/data';
import { type AnyCase, defineCase } from '../support/runner';
import type { PouchDatabase, ReplicateResult } from '../pouchdb/types';
import { expect, type World } from './world';

const conflicting = (i: number, every: number): boolean => i % every === 0;

export function conflictCases(world: World): AnyCase[] {
  const { n, conflictShare } = world.sizes;
  const every = Math.round(1 / conflictShare);
  const expectedConflicts = Math.ceil(n / every);
  const cases: AnyCase[] = [];
  for (const w of world.fieldsync) {
    cases.push(
      defineCase<{ device: string; changes: WireChange[]; tally?: PushTally }>({
        contender: w.id,
        changes: n,
        meters: () => ({ http: w.server.http, serverPid: w.server.pid, backends: w.server.backends }),
        prepare: async (run) => {
          const records = w.applied.get(run);
          if (!records) throw new Error(`no push run ${run} to build conflicts on`);
          const device = `bench-d-${run}`;
          const other = `bench-d-other-${run}`;
          const now = Date.now();
          // Even k: the other device's edit is later (it wins); odd k: earlier (it loses).
          const first = records
            .filter((_, i) => conflicting(i, every))
            .map((r, k) => updateChange(r, stamp(other, k % 2 === 0 ? 60_000 : 180_000, k, now), payload(k, 1)));
          const tally = await w.server.push(w.pusher, other, first, false);
          if (tally.successful !== first.length) throw new Error(`the other device's edits: ${tally.successful} of ${first.length} applied`);
          const changes = records.map((r, i) => updateChange(r, stamp(device, 120_000, i, now), payload(i, 2)));
          w.expected.changes += first.length + n;
          w.expected.conflicts += expectedConflicts;
          return { device, changes };
        },
        execute: async (p) => {
          p.tally = await w.server.push(w.pusher, p.device, p.changes);
        },
        verify: async (p) => {
          const t = p.tally;
          const problems = [
            ...expect('applied', t?.successful ?? -1, n - expectedConflicts),
            ...expect('conflicts', t?.conflicts ?? -1, expectedConflicts),
            ...expect('server_wins', t?.serverWins ?? -1, Math.ceil(expectedConflicts / 2)),
            ...expect('client_wins', t?.clientWins ?? -1, Math.floor(expectedConflicts / 2)),
            ...expect('failed', t?.failed ?? -1, 0),
          ];
          if (w.server.sql) {
            const r = await w.server.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM sync_conflicts WHERE change_id = ANY($1::uuid[])', [p.changes.map((c) => c.changeId)]);
            problems.push(...expect('losers in the conflict log (sync_conflicts)', r.rows[0]!.n, expectedConflicts));
          }
          return problems;
        },
      }),
    );
  }
  const pw = world.pouch;
  if (pw) {
    cases.push(
      defineCase<{ local: PouchDatabase; ids: string[]; result?: ReplicateResult }>({
        contender: 'pouchdb',
        changes: n,
        meters: () => ({ http: pw.server.http, serverPid: pw.server.pid }),
        prepare: async (run) => {
          const entry = pw.applied.get(run);
          if (!entry) throw new Error(`no push run ${run} to build conflicts on`);
          const rev = (id: string): string => entry.revs.get(id) ?? '';
          const doc = (r: (typeof entry.records)[number], data: Record<string, unknown>, node: string, i: number) => ({
            _id: r.id,
            _rev: rev(r.id),
            type: 'assessment',
            entityId: r.entityId,
            hlc: stamp(node, 120_000, i),
            data,
          });
          await pw.server.load('push', entry.records.filter((_, i) => conflicting(i, every)).map((r, k) => doc(r, payload(k, 1), `bench-d-other-${run}`, k)));
          await fillLocal(entry.local, entry.records.map((r, i) => doc(r, payload(i, 2), `bench-d-${run}`, i)));
          return { local: entry.local, ids: entry.records.map((r) => r.id) };
        },
        execute: async (p) => {
          p.result = await p.local.replicate.to(pw.server.remote('push'), replicateOptions());
        },
        verify: async (p) => {
          const problems = [...expect('documents written', p.result?.docs_written ?? -1, n), ...expect('documents with conflicting revisions', await pw.server.conflicted('push', p.ids), expectedConflicts)];
          await p.local.close();
          return problems;
        },
      }),
    );
  }
  return cases;
}
