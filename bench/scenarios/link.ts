// (a) over a mobile link: the push of a queued device through a proxy shaped as Lighthouse's
// mobile throttling preset ("slow 4G": 150 ms round trips, 1.6 Mbit/s down, 750 kbit/s up,
// about the bottom quarter of 4G connections and the top quarter of 3G). Fieldsync sends
// its batches of 100 one after another (`lanes` 1, with PouchDB's replicator beside it: revs_diff,
// bulk_docs and checkpoints per batch of 100, one batch after another), or as the app's engine
// does (PUSH_LANES batches in flight). On such a link the round trips a protocol needs, more
// than any CPU, decide how long a queue takes to drain.
import { createChange, type PushTally, type WireChange } from '../contenders/fieldsync';
import { fillLocal, replicateOptions, toDoc } from '../contenders/pouchdb';
import type { PouchDatabase, ReplicateResult } from '../pouchdb/types';
import { makeRecords } from '../support/data';
import { type LinkShape, type SharedLink, startSharedLink } from '../support/shared-link';
import { type AnyCase, defineCase } from '../support/runner';
import { fieldsyncDeviceCounts } from './push';
import { ENTITIES, expect, type World } from './world';

export const MOBILE_LINK: LinkShape = { oneWayMs: 75, upKbps: 750, downKbps: 1.6 * 1024 };

const linkDevice = (lanes: number, run: number): string => `bench-link${lanes}-${run}`;
const portOf = (baseUrl: string): number => Number(new URL(baseUrl).port);

export function linkCases(world: World, lanes: number): AnyCase[] {
  const n = world.sizes.linkN;
  const cases: AnyCase[] = [];
  for (const w of world.fieldsync) {
    let link: SharedLink | null = null;
    cases.push(
      defineCase<{ device: string; changes: WireChange[]; tally?: PushTally }>({
        contender: w.id,
        changes: n,
        meters: () => ({ http: w.server.http, serverPid: w.server.pid, backends: w.server.backends }),
        setup: async () => {
          link = await startSharedLink(portOf(w.server.baseUrl), MOBILE_LINK);
        },
        teardown: async () => link?.close(),
        prepare: async (run) => ({ device: linkDevice(lanes, run), changes: makeRecords(n, ENTITIES.push, linkDevice(lanes, run)).map(createChange) }),
        execute: async (p) => {
          p.tally = await w.server.push(w.pusher, p.device, p.changes, true, undefined, lanes, link!.url);
        },
        verify: async (p, run) => {
          w.expected.records += n;
          w.expected.changes += n;
          const problems = [...expect('applied', p.tally?.successful ?? -1, n), ...expect('failed', p.tally?.failed ?? -1, 0)];
          const db = await fieldsyncDeviceCounts(w, linkDevice(lanes, run));
          if (db) problems.push(...expect('records on the server', db.records, n), ...expect('idempotency log entries', db.changes, n));
          return problems;
        },
      }),
    );
  }
  const pw = world.pouch;
  if (pw && lanes === 1) {
    let link: SharedLink | null = null;
    cases.push(
      defineCase<{ local: PouchDatabase; before: number; result?: ReplicateResult }>({
        contender: 'pouchdb',
        changes: n,
        meters: () => ({ http: pw.server.http, serverPid: pw.server.pid }),
        setup: async () => {
          await pw.server.createDb('link');
          link = await startSharedLink(portOf(pw.server.baseUrl), MOBILE_LINK);
        },
        teardown: async () => link?.close(),
        prepare: async (run) => {
          const local = pw.server.local(`link-${run}`);
          await fillLocal(local, makeRecords(n, ENTITIES.push, linkDevice(lanes, run)).map(toDoc));
          return { local, before: await pw.server.docCount('link') };
        },
        execute: async (p) => {
          p.result = await p.local.replicate.to(pw.server.remote('link', link!.url), replicateOptions());
        },
        verify: async (p) => [...expect('documents written', p.result?.docs_written ?? -1, n), ...expect('documents on the server', (await pw.server.docCount('link')) - p.before, n)],
      }),
    );
  }
  return cases;
}
