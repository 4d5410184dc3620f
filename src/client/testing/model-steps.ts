// The steps of the multi-device model test: 2–3 devices (two users, one of them on two devices)
// create, answer, edit and delete overlapping records, go offline and online, reload (a new
// engine on the same IndexedDB) or crash mid-flight, sync, meet network faults, and let time pass.
// A world says what "sync" and "wait" mean: the in-process test awaits each step, the HTTP one
// leaves sync runs in flight while the next steps run.
import fc from 'fast-check';
import type { NetFault } from './controlled-network';
import { type Device, idleAll } from './device';

export type ModelStep<F = NetFault> =
  | { t: 'create'; d: number; forbidden: boolean }
  | { t: 'response'; d: number; pick: number }
  | { t: 'update'; d: number; pick: number }
  | { t: 'delete'; d: number; pick: number }
  | { t: 'offline' | 'online' | 'reload' | 'crash' | 'sync'; d: number }
  | { t: 'fault'; fault: F }
  | { t: 'wait'; ms: number };

export const netFaultArb: fc.Arbitrary<NetFault> = fc.constantFrom<NetFault>(
  { kind: 'drop-request' },
  { kind: 'drop-response' },
  { kind: 'status', status: 503, retryAfter: 1 },
  { kind: 'status', status: 429 },
);

/** The weighted step arbitraries, so that a test can add its own steps to the mix. */
export function modelStepArbs<F>(fault: fc.Arbitrary<F>, devices = 3): Array<fc.WeightedArbitrary<ModelStep<F>>> {
  const dev = fc.nat({ max: devices - 1 });
  return [
    { weight: 3, arbitrary: fc.record({ t: fc.constant('create' as const), d: dev, forbidden: fc.nat({ max: 7 }).map((x) => x === 0) }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('response' as const), d: dev, pick: fc.nat() }) },
    { weight: 6, arbitrary: fc.record({ t: fc.constant('update' as const), d: dev, pick: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('delete' as const), d: dev, pick: fc.nat() }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('offline' as const), d: dev }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('online' as const), d: dev }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constantFrom('reload' as const, 'crash' as const), d: dev }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('sync' as const), d: dev }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('fault' as const), fault }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('wait' as const), ms: fc.constantFrom(500, 2_000, 10_000, 31_000) }) },
  ];
}

/** What the model test counted over all its runs. */
export class ModelStats {
  steps = 0;
  completed = 0;
  conflict = 0;
  rejected = 0;
  reloads = 0;
  crashes = 0;

  changes(): string {
    const { completed, conflict, rejected, reloads, crashes } = this;
    return JSON.stringify({ completed, conflict, rejected, reloads, crashes });
  }
}

export interface ModelWorld<F> {
  readonly devices: readonly Device[];
  readonly entityId: string;
  /** An entity the users are not assigned to: a create there is rejected by the server. */
  readonly forbiddenEntityId: string;
  readonly stats: ModelStats;
  /** A new number for the data of each write, so that every write differs. */
  next(): number;
  fault(f: F): void;
  sync(d: Device): Promise<void>;
  /** Moves the devices' and the server's clocks forward by `ms`. */
  wait(ms: number): Promise<void>;
}

async function visible(d: Device, entityId: string, type?: 'assessment') {
  const list = await d.engine.listRecords({ entityId, ...(type ? { type } : {}) });
  return list.sort((a, b) => a.id.localeCompare(b.id));
}

/** Carries out one step; a step naming a device the run does not have does nothing. */
export async function applyStep<F>(w: ModelWorld<F>, s: ModelStep<F>): Promise<void> {
  if ('d' in s && s.d >= w.devices.length) return;
  const d = 'd' in s ? w.devices[s.d]! : undefined;
  switch (s.t) {
    case 'create':
      await d!.engine.create({ type: 'assessment', entityId: s.forbidden ? w.forbiddenEntityId : w.entityId, data: { by: d!.label, n: w.next() } });
      break;
    case 'response': {
      const as = await visible(d!, w.entityId, 'assessment');
      const a = as[s.pick % Math.max(1, as.length)];
      if (a) await d!.engine.create({ type: 'response', entityId: w.entityId, data: { assessmentId: a.id, by: d!.label, n: w.next() } });
      break;
    }
    case 'update':
    case 'delete': {
      const list = await visible(d!, w.entityId);
      const r = list[s.pick % Math.max(1, list.length)];
      if (!r) break;
      if (s.t === 'delete') await d!.engine.remove(r.id);
      else await d!.engine.update(r.id, { ...r.data, by: d!.label, n: w.next() });
      break;
    }
    case 'offline':
    case 'online':
      d!.env.net.emit(s.t);
      break;
    case 'reload':
      w.stats.reloads += 1;
      await d!.reload();
      break;
    case 'crash':
      w.stats.crashes += 1;
      await d!.crash();
      break;
    case 'sync':
      await w.sync(d!);
      break;
    case 'fault':
      w.fault(s.fault);
      break;
    case 'wait':
      await w.wait(s.ms);
      break;
  }
}

/** Activity stops (the network has healed): everyone comes online and syncs until nothing moves. */
export async function quiesce(devices: readonly Device[]): Promise<void> {
  await idleAll(devices);
  for (const d of devices) if (!d.env.net.online) d.env.net.emit('online');
  for (let round = 0; round < 3; round++) {
    for (const d of devices) await d.engine.syncNow();
    await idleAll(devices);
  }
}
