// One chaos run: its own PostgreSQL cluster, API instances behind the fault proxy, devices
// running the real engine and editing at random, and the fault schedule from the seed. Faults
// stop once the ledger holds the target number of changes (and enough faults happened); then
// everything drains within a bound and the outcome is counted (check.ts).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { OutboxEntry } from '@/client/db';
import { DEMO_ENTITIES } from '@/server/seed/demo';
import { AdminClient } from './admin';
import { type CheckResult, type DeviceView, check } from './check';
import { ChaosDevice, type LedgerEntry } from './device';
import { FaultProxy, type ProxyFault } from './fault-proxy';
import { Instance, freePort } from './instances';
import { PostgresCluster } from './postgres-cluster';
import { between, fork, pick, seeded } from './prng';

export type SystemFault = 'device-offline' | 'sigkill-instance' | 'sigterm-instance' | 'postgres-stop' | 'clock-skew' | 'unassign-entity' | 'deactivate-user';
export type FaultKind = ProxyFault | SystemFault | 'token-expiry';

export interface RunOptions {
  readonly seed: number;
  readonly root: string;
  readonly work: string;
  readonly targetChanges: number;
  readonly minFaults: number;
  readonly instances: number;
  readonly devicesPerUser: number;
  /** Mean gap between system faults (the proxy's faults come with the traffic). */
  readonly systemFaultEveryMs: number;
  readonly proxyFaultRate: number;
  readonly tokenTtlSeconds: number;
  readonly drainMs: number;
  /** The fault phase ends by this long whatever the counts (the run then says so). */
  readonly maxFaultPhaseMs: number;
  readonly log: (line: string) => void;
}

export interface RunResult extends CheckResult {
  readonly seed: number;
  readonly faults: Record<string, number>;
  readonly totalFaults: number;
  readonly devices: number;
  readonly instances: number;
  readonly faultPhaseMs: number;
  readonly drainMs: number;
  readonly drained: boolean;
  readonly relogins: number;
}

const USERS: ReadonlyArray<{ email: string; entities: string[] }> = [
  { email: 'ana@demo.fieldsync', entities: [DEMO_ENTITIES.campNorth.id, DEMO_ENTITIES.campSouth.id] },
  { email: 'ben@demo.fieldsync', entities: [DEMO_ENTITIES.campSouth.id, DEMO_ENTITIES.riverside.id] },
  { email: 'cora@demo.fieldsync', entities: [DEMO_ENTITIES.campNorth.id, DEMO_ENTITIES.campSouth.id, DEMO_ENTITIES.riverside.id] },
];

const CLIENT_TIMEOUT_MS = 4_000;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Entries still to go: not settled, and not waiting behind a rejected change of their record (the user's to resolve). */
function unsettled(outbox: readonly OutboxEntry[]): number {
  const rejected = new Set(outbox.filter((e) => e.status === 'rejected').map((e) => e.recordId));
  return outbox.filter((e) => (e.status === 'pending' || e.status === 'syncing' || e.status === 'failed') && !rejected.has(e.recordId)).length;
}

export async function runChaos(o: RunOptions): Promise<RunResult> {
  mkdirSync(o.work, { recursive: true });
  const rng = seeded(o.seed);
  const faultRng = fork(rng);
  const proxyRng = fork(rng);
  const faults: Record<string, number> = {};
  const count = (k: FaultKind) => (faults[k] = (faults[k] ?? 0) + 1);
  const totalFaults = () => Object.values(faults).reduce((a, b) => a + b, 0);

  const cluster = await PostgresCluster.create(await freePort());
  const pool = new pg.Pool({ connectionString: cluster.url, max: 2 });
  pool.on('error', () => undefined);
  const ports = await Promise.all(Array.from({ length: o.instances }, () => freePort()));
  const env = (demo: boolean): NodeJS.ProcessEnv => ({
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_URL: cluster.url,
    ...(demo ? { FIELDSYNC_DEMO: '1' } : {}),
    FIELDSYNC_JWT_SECRET: `chaos-secret-${o.seed}-chaos-secret-chaos-secret-0123456789`,
    FIELDSYNC_TOKEN_TTL_SECONDS: String(o.tokenTtlSeconds),
    FIELDSYNC_TRUST_PROXY: '1',
    FIELDSYNC_SYNC_RATE_PER_MINUTE: '100000000',
    FIELDSYNC_SYNC_BURST: '100000000',
    FIELDSYNC_WORK_UNITS_PER_MINUTE: '1000000000',
    FIELDSYNC_WORK_BURST: '1000000000',
    FIELDSYNC_ADDRESS_RATE_PER_MINUTE: '100000000',
    FIELDSYNC_ADDRESS_BURST: '100000000',
    FIELDSYNC_LOGIN_FAILURES_PER_ACCOUNT: '100000000',
    FIELDSYNC_LOGIN_FAILURES_PER_ADDRESS: '100000000',
    FIELDSYNC_LOGIN_FAILURES_PER_DEVICE: '100000000',
    FIELDSYNC_SHUTDOWN_GRACE_SECONDS: '3',
    FIELDSYNC_LOG_LEVEL: 'warn',
  });
  const maxSeconds = Math.ceil((o.maxFaultPhaseMs + o.drainMs) / 1000) + 600;
  const instances = ports.map(
    (port, i) => new Instance({ root: o.root, port, env: env(i === 0), restartEnv: env(false), logFile: path.join(o.work, `instance-${i}.log`), maxSeconds }),
  );
  const proxy = new FaultProxy({ rng: proxyRng, clientTimeoutMs: CLIENT_TIMEOUT_MS, faultRate: o.proxyFaultRate, injected: count });
  const devices: ChaosDevice[] = [];
  const ledger: LedgerEntry[] = [];
  try {
    // The first instance migrates and seeds; the others start on the ready database.
    await instances[0]!.start();
    await Promise.all(instances.slice(1).map((i) => i.start()));
    proxy.setUpstreams(ports);
    const baseUrl = await proxy.listen();
    const admin = new AdminClient(() => instances.filter((i) => i.alive()).map((i) => i.url));
    const userIds = await admin.userIds();
    o.log(`cluster :${cluster.port}, instances ${ports.map((p) => `:${p}`).join(' ')}, proxy ${baseUrl}`);

    for (const u of USERS)
      for (let k = 0; k < o.devicesPerUser; k++) {
        const d = new ChaosDevice({ label: `${u.email.split('@')[0]}-${k + 1}`, email: u.email, entityIds: u.entities, baseUrl, rng: fork(rng), timeoutMs: CLIENT_TIMEOUT_MS, ledger });
        await d.open();
        devices.push(d);
      }
    const initialLogins = devices.length;
    // A few records per entity that every device has before the faults start.
    const shared = new Map<string, readonly string[]>();
    for (const entityId of new Set(USERS.flatMap((u) => u.entities))) {
      const maker = devices.find((d) => d.o.entityIds.includes(entityId))!;
      shared.set(entityId, await maker.createShared(entityId, 4));
    }
    for (let round = 0; round < 2; round++) for (const d of devices) await d.syncOnce();
    for (const d of devices) d.shared = shared;

    // ── the fault phase ──
    proxy.faultsOn = true;
    const started = Date.now();
    let stop = false;
    const enough = () => ledger.length >= o.targetChanges && totalFaults() >= o.minFaults;
    const writers = devices.map(async (d) => {
      while (!stop) {
        try {
          await d.edit();
        } catch (e) {
          o.log(`${d.label}: edit failed: ${e instanceof Error ? e.message : String(e)}`);
        }
        await sleep(between(d.o.rng, 5, 40));
      }
    });
    const pending: Array<Promise<unknown>> = [];
    const failures: string[] = [];
    // A fault whose own handling failed (a restart that never came up) ends the run as failed.
    const track = (p: Promise<unknown>) => pending.push(p.catch((e: unknown) => failures.push(e instanceof Error ? e.message : String(e))));
    let pgBusy = false;
    let restarting = false;
    const monkey = (async () => {
      while (!stop) {
        await sleep(between(faultRng, o.systemFaultEveryMs / 2, (o.systemFaultEveryMs * 3) / 2));
        if (stop) break;
        const kind = pick<SystemFault>(faultRng, ['device-offline', 'device-offline', 'sigkill-instance', 'sigkill-instance', 'sigterm-instance', 'postgres-stop', 'clock-skew', 'clock-skew', 'unassign-entity', 'deactivate-user']);
        const downFor = between(faultRng, 500, 3_000);
        switch (kind) {
          case 'sigkill-instance':
          case 'sigterm-instance': {
            // One instance down at a time, until it is back and healthy: the proxy needs somewhere to go.
            if (restarting) break;
            const victim = pick(faultRng, instances);
            count(kind);
            restarting = true;
            track(
              (async () => {
                if (kind === 'sigkill-instance') await victim.kill();
                else await victim.terminate();
                proxy.mark(victim.port, false);
                await sleep(downFor);
                await victim.restart();
                proxy.mark(victim.port, true);
              })().finally(() => (restarting = false)),
            );
            break;
          }
          case 'postgres-stop':
            if (pgBusy) break;
            pgBusy = true;
            count(kind);
            track(
              (async () => {
                cluster.stopImmediate();
                await sleep(downFor);
                cluster.start();
                pgBusy = false;
              })(),
            );
            break;
          case 'device-offline': {
            // Edits made offline meet the others' edits of the same records when it comes back: conflicts.
            const d = pick(faultRng, devices);
            count(kind);
            d.setOnline(false);
            track(sleep(between(faultRng, 1_000, 5_000)).then(() => d.setOnline(true)));
            break;
          }
          case 'clock-skew': {
            const d = pick(faultRng, devices);
            const hours = between(faultRng, 1, 24) * (faultRng() < 0.5 ? -1 : 1);
            count(kind);
            d.offsetMs = hours * 3600_000;
            track(sleep(between(faultRng, 2_000, 8_000)).then(() => (d.offsetMs = 0)));
            break;
          }
          case 'unassign-entity': {
            const u = pick(faultRng, USERS);
            const id = userIds.get(u.email)!;
            const gone = pick(faultRng, u.entities);
            count(kind);
            track(
              (async () => {
                await admin.setAssignments(id, u.entities.filter((e) => e !== gone));
                await sleep(between(faultRng, 1_000, 4_000));
                await admin.setAssignments(id, u.entities);
              })(),
            );
            break;
          }
          case 'deactivate-user': {
            const u = pick(faultRng, USERS);
            const id = userIds.get(u.email)!;
            count(kind);
            track(
              (async () => {
                await admin.setActive(id, false);
                await sleep(between(faultRng, 500, 2_000));
                await admin.setActive(id, true);
              })(),
            );
            break;
          }
        }
      }
    })();
    let lastShown = 0;
    while (!enough() && Date.now() - started < o.maxFaultPhaseMs) {
      await sleep(500);
      if (Date.now() - lastShown > 10_000) {
        lastShown = Date.now();
        o.log(`  ${Math.round((Date.now() - started) / 1000)} s: ${ledger.length} changes saved, ${totalFaults()} faults, ${proxy.requests} requests`);
      }
    }
    stop = true;
    proxy.faultsOn = false;
    await Promise.all(writers);
    await monkey;
    await Promise.all(pending);
    const faultPhaseMs = Date.now() - started;
    if (failures.length > 0) throw new Error(`the fault schedule broke: ${failures.join('; ')}`);
    for (const d of devices) {
      d.offsetMs = 0;
      d.setOnline(true);
    }
    if (!cluster.isRunning) cluster.start();
    for (const i of instances)
      if (!i.alive()) {
        await i.restart();
        proxy.mark(i.port, true);
      }
    faults['token-expiry'] = devices.reduce((n, d) => n + d.relogins, 0) - initialLogins;
    o.log(`faults stop after ${Math.round(faultPhaseMs / 1000)} s: ${ledger.length} changes, ${totalFaults()} faults; draining`);

    // ── the drain: everyone syncs until nothing is left to send, then once more to pull ──
    const drainStart = Date.now();
    let drained = false;
    while (Date.now() - drainStart < o.drainMs) {
      await Promise.all(devices.map((d) => d.syncOnce()));
      const open = await Promise.all(devices.map(async (d) => unsettled(await d.outbox())));
      if (open.every((n) => n === 0)) {
        drained = true;
        break;
      }
      await sleep(300);
    }
    for (let round = 0; round < 2; round++) await Promise.all(devices.map((d) => d.syncOnce()));
    const drainMs = Date.now() - drainStart;

    const views: DeviceView[] = [];
    for (const d of devices) views.push({ label: d.label, email: d.o.email, outbox: await d.outbox(), records: await d.records() });
    const result = await check(pool, ledger, views);
    return {
      ...result,
      seed: o.seed,
      faults,
      totalFaults: totalFaults(),
      devices: devices.length,
      instances: instances.length,
      faultPhaseMs,
      drainMs,
      drained,
      relogins: faults['token-expiry'] ?? 0,
    };
  } finally {
    await Promise.all(devices.map((d) => d.close().catch(() => undefined)));
    await proxy.close().catch(() => undefined);
    await Promise.all(instances.map((i) => i.stop().catch(() => undefined)));
    await pool.end().catch(() => undefined);
    cluster.destroy();
  }
}
