// Sets up an engine on fake IndexedDB against the in-memory model server, with a fake clock.
import type { Locks } from '../env';
import { SyncEngine, type SyncEngineOptions } from '../engine';
import { type FakeEnvironment, IDBFactory, fakeDb, fakeEnvironment, settle } from './fake-env';
import { ModelServer } from './model-server';

export const ENTITY = '0193a6f0-0000-7000-8000-000000000001';
export const OTHER_ENTITY = '0193a6f0-0000-7000-8000-000000000002';

export interface Harness {
  readonly server: ModelServer;
  readonly env: FakeEnvironment;
  readonly engine: SyncEngine;
  readonly factory: IDBFactory;
  /** Opens another engine on the same IndexedDB (a second tab, or the same tab after a reload). */
  reopen(opts?: { locks?: Locks | null }): Promise<SyncEngine>;
  /** Lets queued async work (timers' callbacks, liveQuery) run, then waits for the runs to end. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export async function harness(opts: Partial<SyncEngineOptions> & { token?: string | null; locks?: Locks | null } = {}): Promise<Harness> {
  const server = new ModelServer([{ id: ENTITY, name: 'Camp North', kind: 'camp' }]);
  const env = fakeEnvironment(server.fetch, opts.locks === undefined ? {} : { locks: opts.locks });
  const factory = new IDBFactory();
  const engines: SyncEngine[] = [];
  const open = async (locks: Locks | null | undefined = env.locks) => {
    const e = await SyncEngine.open({ baseUrl: 'http://model', ...opts, db: fakeDb('fieldsync', factory), env: { ...env, locks } });
    engines.push(e);
    return e;
  };
  if (opts.token !== null) {
    const db = fakeDb('fieldsync', factory);
    await db.meta.put({ key: 'token', value: opts.token ?? server.validToken });
    db.close();
  }
  const engine = await open();
  const idle = async () => {
    for (let i = 0; i < 3; i++) {
      await settle();
      for (const e of engines) await e.whenIdle();
    }
  };
  return {
    server,
    env,
    engine,
    factory,
    reopen: (o = {}) => open(o.locks === undefined ? env.locks : o.locks),
    idle,
    close: async () => {
      for (const e of engines) await e.stop();
      for (const e of engines) e.db.close();
    },
  };
}
