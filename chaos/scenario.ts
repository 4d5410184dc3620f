// One chaos run: its own PostgreSQL cluster, API instances behind the fault proxy, devices
// running the real engine (in Node, and some in Chromium) and editing at random, and the fault
// schedule from the seed. Faults stop once the ledger holds the target number of changes (and
// enough faults happened); then everything drains while it makes progress and the outcome is
// counted (check.ts). A step that hangs ends the run with a HarnessError naming it.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { OutboxEntry, UploadRow } from '@/client/db';
import { DEMO_ENTITIES } from '@/server/seed/demo';
import { AdminClient } from './admin';
import { type CheckResult, type DeviceView, check, heldBehindRejected } from './check';
import type { BrowserDevice } from './browser/device';
import { ChaosDevice, type ChaosDeviceBase, type LedgerEntry, type PhotoEntry } from './device';
import { FaultProxy, type ProxyFault } from './fault-proxy';
import { HarnessError, within } from './guard';
import { Instance, freePort } from './instances';
import { PostgresCluster } from './postgres-cluster';
import { between, fork, pick, seeded } from './prng';

export type SystemFault = 'device-offline' | 'sigkill-instance' | 'sigterm-instance' | 'postgres-stop' | 'clock-skew' | 'unassign-entity' | 'deactivate-user' | 'device-killed' | 'indexeddb-deleted';
export type FaultKind = ProxyFault | SystemFault | 'token-expiry';

export interface RunOptions {
  readonly seed: number;
  readonly root: string;
  readonly work: string;
  readonly targetChanges: number;
  readonly minFaults: number;
  readonly instances: number;
  readonly devicesPerUser: number;
  /** How many of the devices run the engine in Chromium (spread over the users); the device-killed fault needs one. */
  readonly browsers: number;
  /** Mean gap between system faults (the proxy's faults come with the traffic). */
  readonly systemFaultEveryMs: number;
  /** How many times device-killed and indexeddb-deleted are each drawn against each of the other system faults' one or two (1 by default). */
  readonly killWeight?: number;
  readonly proxyFaultRate: number;
  readonly tokenTtlSeconds: number;
  /** Chance that a device's edit attaches a photo. */
  readonly photoRate: number;
  /** The drain goes on while what is left to send shrinks; it stops after this long without progress… */
  readonly drainStallMs: number;
  /** …or after this long in all. */
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
  /** Devices in Chromium, the changes they saved, their kills (device-killed) and the kills that met a sync under way. */
  readonly browsers: number;
  readonly browserChanges: number;
  readonly browserKills: number;
  readonly browserKillsMidSync: number;
  /** Relaunches that found the profile's IndexedDB gone though the harness had not deleted it (Chromium did). */
  readonly browserStorageLost: number;
  /** Kills after which the harness deleted the profile's IndexedDB, and what the safety copies gave back. */
  readonly browserStorageDeleted: number;
  readonly restoredChanges: number;
  readonly restoredPhotos: number;
  readonly instances: number;
  readonly faultPhaseMs: number;
  readonly drainMs: number;
  readonly drained: boolean;
  readonly relogins: number;
  /** API instances that exited by themselves (the run restarts them; any is a failure). */
  readonly instanceCrashes: number;
}

const USERS: ReadonlyArray<{ email: string; entities: string[] }> = [
  { email: 'ana@demo.fieldsync', entities: [DEMO_ENTITIES.campNorth.id, DEMO_ENTITIES.campSouth.id] },
  { email: 'ben@demo.fieldsync', entities: [DEMO_ENTITIES.campSouth.id, DEMO_ENTITIES.riverside.id] },
  { email: 'cora@demo.fieldsync', entities: [DEMO_ENTITIES.campNorth.id, DEMO_ENTITIES.campSouth.id, DEMO_ENTITIES.riverside.id] },
];

const CLIENT_TIMEOUT_MS = 4_000;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Entries still to go: not settled, and not waiting behind a rejected change (the user's to resolve). */
function unsettled(outbox: readonly OutboxEntry[]): number {
  return outbox.filter((e) => (e.status === 'pending' || e.status === 'syncing' || e.status === 'failed') && !heldBehindRejected(outbox, e)).length;
}

/** Uploads still to go: not uploaded, not rejected, and their media record's create neither rejected nor held behind a rejection. */
function unsettledUploads(outbox: readonly OutboxEntry[], uploads: readonly UploadRow[]): number {
  const blocked = new Set(outbox.filter((e) => e.status === 'rejected' || heldBehindRejected(outbox, e)).map((e) => e.recordId));
  return uploads.filter((u) => u.status !== 'uploaded' && u.status !== 'rejected' && !blocked.has(u.id)).length;
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
  const mediaDir = path.join(o.work, 'media');
  mkdirSync(mediaDir, { recursive: true });
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
    // One content folder for both instances (the disk store's shared-folder setup).
    FIELDSYNC_MEDIA_DIR: mediaDir,
  });
  const maxSeconds = Math.ceil((o.maxFaultPhaseMs + o.drainMs) / 1000) + 900;
  const instances = ports.map(
    (port, i) => new Instance({ root: o.root, port, env: env(i === 0), restartEnv: env(false), logFile: path.join(o.work, `instance-${i}.log`), maxSeconds }),
  );
  const proxy = new FaultProxy({ rng: proxyRng, clientTimeoutMs: CLIENT_TIMEOUT_MS, faultRate: o.proxyFaultRate, injected: count });
  const devices: ChaosDeviceBase[] = [];
  const browsers: BrowserDevice[] = [];
  const ledger: LedgerEntry[] = [];
  const photos: PhotoEntry[] = [];
  try {
    // The first instance migrates and seeds; the others start on the ready database.
    await instances[0]!.start();
    await Promise.all(instances.slice(1).map((i) => i.start()));
    proxy.setUpstreams(ports);
    const baseUrl = await proxy.listen();
    const admin = new AdminClient(() => instances.filter((i) => i.alive()).map((i) => i.url));
    const userIds = await admin.userIds();
    o.log(`cluster :${cluster.port}, instances ${ports.map((p) => `:${p}`).join(' ')}, proxy ${baseUrl}`);

    // Playwright and the bench's page code are loaded only when the run has Chromium devices.
    const { BrowserDevice } = o.browsers > 0 ? await import('./browser/device') : { BrowserDevice: null };
    for (const [ui, u] of USERS.entries()) {
      // Browser i goes to user i mod 3, in place of that user's last Node devices.
      const inChromium = Array.from({ length: o.browsers }, (_, i) => i).filter((i) => i % USERS.length === ui).length;
      for (let k = 0; k < o.devicesPerUser; k++) {
        const chromium = BrowserDevice !== null && k >= o.devicesPerUser - inChromium;
        const options = {
          label: `${u.email.split('@')[0]}-${k + 1}${chromium ? '-chromium' : ''}`,
          email: u.email,
          entityIds: u.entities,
          baseUrl,
          rng: fork(rng),
          timeoutMs: CLIENT_TIMEOUT_MS,
          ledger,
          photos,
          photoRate: o.photoRate,
        };
        const d = chromium ? new BrowserDevice({ ...options, root: o.root, logFile: path.join(o.work, `${options.label}.log`), say: o.log }) : new ChaosDevice(options);
        devices.push(d);
        if (chromium) browsers.push(d as BrowserDevice);
        await within(120_000, `device ${d.label} opening and logging in`, d.open());
      }
    }
    if (browsers.length < o.browsers) throw new HarnessError(`${o.browsers} browser devices asked for, but there are only ${o.devicesPerUser * USERS.length} devices`);
    const initialLogins = devices.length;
    // A few records per entity that every device has before the faults start.
    const shared = new Map<string, readonly string[]>();
    for (const entityId of new Set(USERS.flatMap((u) => u.entities))) {
      const maker = devices.find((d) => d.o.entityIds.includes(entityId))!;
      shared.set(entityId, await maker.createShared(entityId, 4));
    }
    for (let round = 0; round < 2; round++) for (const d of devices) await within(120_000, `device ${d.label}'s first sync`, d.syncOnce());
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
    const killing = new Set<BrowserDevice>();
    const systemFaults: SystemFault[] = ['device-offline', 'device-offline', 'sigkill-instance', 'sigkill-instance', 'sigterm-instance', 'postgres-stop', 'clock-skew', 'clock-skew', 'unassign-entity', 'deactivate-user'];
    if (browsers.length > 0) for (let i = 0; i < (o.killWeight ?? 1); i++) systemFaults.push('device-killed', 'indexeddb-deleted');
    const monkey = (async () => {
      while (!stop) {
        await sleep(between(faultRng, o.systemFaultEveryMs / 2, (o.systemFaultEveryMs * 3) / 2));
        if (stop) break;
        const kind = pick(faultRng, systemFaults);
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
                await cluster.stopImmediate();
                await sleep(downFor);
                await cluster.start();
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
          case 'device-killed':
          case 'indexeddb-deleted': {
            // A browser killed mid-sync (its whole process group) and launched again on its
            // profile; or the same, its IndexedDB deleted meanwhile as Chromium does when it finds it damaged.
            const d = pick(faultRng, browsers);
            const pause = between(faultRng, 300, 2_000);
            if (killing.has(d)) break;
            killing.add(d);
            count(kind);
            track(d.kill(pause, kind === 'indexeddb-deleted').finally(() => killing.delete(d)));
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
    // An instance that died by itself is a finding: it is said, counted, and started again.
    let handledCrashes = 0;
    const reviveCrashed = () => {
      const crashed = instances.reduce((n, i) => n + i.crashes, 0);
      if (crashed === handledCrashes || restarting) return;
      const dead = instances.find((i) => !i.alive());
      if (!dead) return;
      handledCrashes = crashed;
      o.log(`  instance :${dead.port} exited by itself (see ${path.join(o.work, 'instance-*.log')}); starting it again`);
      restarting = true;
      proxy.mark(dead.port, false);
      track(
        (async () => {
          await dead.restart();
          proxy.mark(dead.port, true);
        })().finally(() => (restarting = false)),
      );
    };
    let lastShown = 0;
    while (!enough() && Date.now() - started < o.maxFaultPhaseMs) {
      await sleep(500);
      reviveCrashed();
      if (Date.now() - lastShown > 10_000) {
        lastShown = Date.now();
        o.log(`  ${Math.round((Date.now() - started) / 1000)} s: ${ledger.length} changes saved, ${totalFaults()} faults, ${proxy.requests} requests`);
      }
    }
    stop = true;
    proxy.faultsOn = false;
    await within(120_000, 'the devices finishing their last edits', Promise.all(writers));
    await within(60_000, 'the fault schedule stopping', monkey);
    // A restart retries for up to ~11 minutes before it gives up (instances.ts).
    const ending = Promise.all(pending);
    const saying = setInterval(() => o.log(`  waiting for the faults under way to end (restarts, restores: ${failures.length} failed so far)`), 30_000);
    await within(900_000, 'the faults under way ending (restarts, restores)', ending).finally(() => clearInterval(saying));
    const faultPhaseMs = Date.now() - started;
    if (failures.length > 0) throw new HarnessError(`the fault schedule broke: ${failures.join('; ')}`);
    for (const d of devices) {
      d.offsetMs = 0;
      d.setOnline(true);
    }
    if (!cluster.isRunning) await cluster.start();
    for (const i of instances)
      if (!i.alive()) {
        await i.restart();
        proxy.mark(i.port, true);
      }
    faults['token-expiry'] = devices.reduce((n, d) => n + d.relogins, 0) - initialLogins;
    o.log(`faults stop after ${Math.round(faultPhaseMs / 1000)} s: ${ledger.length} changes, ${photos.length} photos, ${totalFaults()} faults; draining`);
    o.log(`  requests through the proxy: ${JSON.stringify(proxy.byRoute)}`);

    // ── the drain: everyone syncs until nothing is left to send, then once more to pull ──
    // Bounded by progress (what is left must keep shrinking), so a slow machine gets its time
    // and a stuck entry does not hold the run for long.
    const drainStart = Date.now();
    let drained = false;
    let best = Number.POSITIVE_INFINITY;
    let lastProgress = Date.now();
    let lastSaid = 0;
    const syncAll = (what: string) => within(Math.max(o.drainStallMs, 120_000), what, Promise.all(devices.map((d) => d.syncOnce())));
    while (Date.now() - drainStart < o.drainMs && Date.now() - lastProgress < o.drainStallMs) {
      await syncAll('a drain round (every device syncing once)');
      const open = await Promise.all(devices.map(async (d) => ({ entries: unsettled(await d.outbox()), uploads: unsettledUploads(await d.outbox(), await d.uploads()) })));
      const entries = open.reduce((n, x) => n + x.entries, 0);
      const uploads = open.reduce((n, x) => n + x.uploads, 0);
      if (entries + uploads === 0) {
        drained = true;
        break;
      }
      if (entries + uploads < best) {
        best = entries + uploads;
        lastProgress = Date.now();
      }
      if (Date.now() - lastSaid > 10_000) {
        lastSaid = Date.now();
        o.log(`  drain ${Math.round((Date.now() - drainStart) / 1000)} s: ${entries} outbox entries and ${uploads} uploads still to go`);
      }
      await sleep(300);
    }
    if (!drained) o.log(`  the drain stopped ${Date.now() - lastProgress >= o.drainStallMs ? `after ${Math.round(o.drainStallMs / 1000)} s without progress` : 'at its bound'}`);
    for (const d of devices) await within(120_000, `${d.label} finishing its uploads`, d.whenUploadsIdle());
    for (let round = 0; round < 2; round++) await syncAll('the last pull rounds');
    const drainMs = Date.now() - drainStart;
    o.log(`drained in ${Math.round(drainMs / 1000)} s; requests through the proxy in all: ${JSON.stringify(proxy.byRoute)}`);
    o.log(`  answers that reached the devices, by route and status: ${JSON.stringify(proxy.answers)}`);

    const views: DeviceView[] = [];
    for (const d of devices) views.push({ label: d.label, email: d.o.email, outbox: await d.outbox(), records: await d.records(), uploads: await d.uploads() });
    const result = await within(600_000, 'the check', check(pool, ledger, views, { photos, mediaDir }));
    return {
      ...result,
      seed: o.seed,
      faults,
      totalFaults: totalFaults(),
      devices: devices.length,
      browsers: browsers.length,
      browserChanges: ledger.filter((e) => browsers.some((d) => d.label === e.device)).length,
      browserKills: browsers.reduce((n, d) => n + d.launches - 1, 0),
      browserKillsMidSync: browsers.reduce((n, d) => n + d.killsMidSync, 0),
      browserStorageLost: browsers.reduce((n, d) => n + d.storageLost, 0),
      browserStorageDeleted: browsers.reduce((n, d) => n + d.storageDeleted, 0),
      restoredChanges: browsers.reduce((n, d) => n + d.restoredChanges, 0),
      restoredPhotos: browsers.reduce((n, d) => n + d.restoredPhotos, 0),
      instances: instances.length,
      faultPhaseMs,
      drainMs,
      drained,
      relogins: faults['token-expiry'] ?? 0,
      instanceCrashes: instances.reduce((n, i) => n + i.crashes, 0),
    };
  } finally {
    await Promise.all(devices.map((d) => d.close().catch(() => undefined)));
    await proxy.close().catch(() => undefined);
    await Promise.all(instances.map((i) => i.stop().catch(() => undefined)));
    await pool.end().catch(() => undefined);
    cluster.destroy();
  }
}
