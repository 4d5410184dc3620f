// How fast the device engine (src/client) queues and drains a large outbox, in Node: Dexie on
// fake-indexeddb, the REAL server handlers in process on PGlite, through the controlled test
// network. Queues N creates through engine.create while offline (one in ten is a response to
// an earlier assessment, so the parent-before-dependant rule is exercised), then goes online
// and times the push until nothing is pending, and the whole run (push + pull) until idle.
//   npx tsx bench/client-drain.ts            (N = 2,000 and 10,000)
//   npx tsx bench/client-drain.ts 500 2000   (other sizes)
// fake-indexeddb is far slower than a browser's IndexedDB: compare runs of this script, not
// its figures with the browser case of `npm run bench`.
import { performance } from 'node:perf_hooks';
import { countByStatus } from '@/client/outbox-queue';
import { ControlledNetwork } from '@/client/testing/controlled-network';
import { Device } from '@/client/testing/device';
import { FakeTime, settle } from '@/client/testing/fake-env';
import { testDatabases } from '@/server/db/test-databases';
import { DEMO_ENTITIES, DEMO_PASSWORD } from '@/server/seed/demo';
import { createTestServer } from '@/server/test-server';

const sizes = process.argv.slice(2).map(Number).filter((n) => Number.isInteger(n) && n > 0);
const NS = sizes.length > 0 ? sizes : [2_000, 10_000];
const NORTH = DEMO_ENTITIES.campNorth.id;

function rate(n: number, ms: number): string {
  return `${Math.round(n / (ms / 1000)).toLocaleString('en-US')}/s`;
}

async function runCase(n: number): Promise<void> {
  const database = await testDatabases()[0]!.create();
  try {
    const server = await createTestServer(database, { syncRequestsPerMinute: 10_000_000 });
    const api = server.api;
    const net = new ControlledNetwork({
      'GET /api/v1/health': api.health,
      'POST /api/v1/auth/login': api.login,
      'POST /api/v1/sync/batch': api.syncPush,
      'GET /api/v1/sync/pull': api.syncPull,
    });
    const time = new FakeTime(server.clock.now());
    const device = await Device.open(`drain-${n}`, net.fetch, time);
    await device.login('ana@demo.fieldsync', DEMO_PASSWORD);
    await settle();
    await device.engine.whenIdle();
    device.env.net.emit('offline');
    net.down = true;

    const t0 = performance.now();
    let assessment = '';
    for (let i = 0; i < n; i++) {
      if (i % 10 === 9) await device.engine.create({ type: 'response', entityId: NORTH, data: { assessmentId: assessment, q: i } });
      else assessment = (await device.engine.create({ type: 'assessment', entityId: NORTH, data: { title: `Site ${i}`, n: i } })).id;
    }
    const queueMs = performance.now() - t0;
    const queued = await countByStatus(device.engine.db);
    if (queued.pending !== n) throw new Error(`expected ${n} pending, found ${queued.pending}`);

    net.down = false;
    // The push is over when the run starts pulling (no polling of the outbox: counting it would
    // compete with the drain for the database).
    let pushMs = 0;
    const unsubscribe = device.engine.store.subscribe((s) => {
      if (s.state.kind === 'pulling' && pushMs === 0) pushMs = performance.now() - t1;
    });
    const t1 = performance.now();
    device.env.net.emit('online');
    for (let i = 0; i < 3; i++) {
      await settle();
      await device.engine.whenIdle();
    }
    unsubscribe();
    const runMs = performance.now() - t1;
    const done = await countByStatus(device.engine.db);
    if (done.completed !== n) throw new Error(`expected ${n} completed, found ${JSON.stringify(done)}`);
    console.log(
      `N=${n.toLocaleString('en-US')}  queue ${(queueMs / 1000).toFixed(1)} s (${rate(n, queueMs)})  ` +
        `push ${(pushMs / 1000).toFixed(1)} s (${rate(n, pushMs)})  push+pull ${(runMs / 1000).toFixed(1)} s  ` +
        `requests: ${net.count('/api/v1/sync/batch')} push, ${net.count('/api/v1/sync/pull')} pull`,
    );
    await device.close();
  } finally {
    await database.close();
  }
}

for (const n of NS) await runCase(n);
process.exit(0);
