// Per-server setup of the Fieldsync contenders through the admin API, as an operator would:
// the bench's entities, its users and their assignments, and their tokens. Plus loading data
// for the pull scenarios (through the push endpoint, several devices at once; not measured).
import { BENCH_PASSWORD, createChange, type FieldsyncServer } from '../contenders/fieldsync';
import { chunk, makeRecords } from '../support/data';
import { ENTITIES, type FieldsyncWorld, type Sizes } from './world';

export async function setUpFieldsync(id: FieldsyncWorld['id'], server: FieldsyncServer, sizes: Sizes): Promise<FieldsyncWorld> {
  const admin = await server.login('admin@demo.fieldsync', 'fieldsync-demo');
  await server.createEntity(admin, ENTITIES.push, 'Bench push camp');
  for (const [i, e] of ENTITIES.pull.entries()) await server.createEntity(admin, e, `Bench pull camp ${i + 1}`);
  const user = async (name: string, role: 'field_worker' | 'coordinator', entityIds: string[]): Promise<string> => {
    const email = `bench-${name}@bench.fieldsync`;
    await server.createUser(admin, email, role, entityIds);
    return server.login(email, BENCH_PASSWORD);
  };
  const pusher = await user('pusher', 'field_worker', [ENTITIES.push]);
  const puller = await user('puller', 'field_worker', [ENTITIES.pull[0]]);
  const loader = await user('loader', 'coordinator', [...ENTITIES.pull]);
  const deviceTokens: string[] = [];
  for (let i = 0; i < sizes.deviceUsers; i++) deviceTokens.push(await user(`device-${i}`, 'field_worker', [ENTITIES.push]));
  return { id, server, admin, pusher, puller, loader, deviceTokens, applied: new Map(), expected: { records: 0, changes: 0, conflicts: 0 } };
}

/** Loads `n` records of `entityId` through the push endpoint, 4 devices at once. */
export async function loadFieldsync(w: FieldsyncWorld, entityId: string, n: number, label: string): Promise<void> {
  const records = makeRecords(n, entityId, `loader-${label}`);
  const parts = chunk(records, Math.ceil(n / 4));
  const tallies = await Promise.all(parts.map((p, i) => w.server.push(w.loader, `loader-${label}-${i}`, p.map(createChange), false)));
  const ok = tallies.reduce((s, t) => s + t.successful, 0);
  if (ok !== n) throw new Error(`loading ${label}: ${ok} of ${n} applied (${tallies.find((t) => t.firstFailure)?.firstFailure ?? ''})`);
  w.expected.records += n;
  w.expected.changes += n;
}
