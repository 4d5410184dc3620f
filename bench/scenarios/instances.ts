// (c) again, on a deployment of several instances: the 50 devices push through a round-robin
// proxy (src/server/hostile/round-robin-proxy.ts, in this process) in front of two API server
// processes (src/server/node/api-main.ts, no Next.js build) on one fresh PostgreSQL database.
// Its row sits in the devices table beside the single instance's. The instances run under one
// `timeout` (a shell starting both), so the server CPU column counts both; the proxy's CPU is
// in the client column.
import path from 'node:path';
import pg from 'pg';
import { type RoundRobinProxy, startRoundRobinProxy } from '@/server/hostile/round-robin-proxy';
import { FieldsyncServer } from '../contenders/fieldsync';
import { BackendCpu, createDatabase, dropDatabase, migrateAndSeed } from '../support/postgres';
import { type Child, freePort, startChild, waitForHttp } from '../support/processes';
import type { AnyCase } from '../support/runner';
import { deviceCases } from './devices';
import { setUpFieldsync } from './setup';
import type { FieldsyncWorld, World } from './world';

export const INSTANCES = 2;

/** The bench's Fieldsync driver (login, admin, push), pointed at the proxy of a deployment. */
class ProxiedDeployment extends FieldsyncServer {
  private group: Child | null = null;
  private proxy: RoundRobinProxy | null = null;
  private checks: pg.Pool | null = null;
  private database: string | null = null;

  constructor(
    private readonly appRoot: string,
    private readonly work: string,
    private readonly instances: number,
  ) {
    super('postgres', appRoot, work);
  }

  override get pid(): number | undefined {
    return this.group?.pid;
  }

  override get sql(): pg.Pool | null {
    return this.checks;
  }

  override async start(maxSeconds: number): Promise<void> {
    this.database = `fieldsync_bench_instances_${process.pid}_${Date.now().toString(36)}`;
    const url = await createDatabase(this.database);
    await migrateAndSeed(url, this.appRoot);
    this.checks = new pg.Pool({ connectionString: url, max: 2 });
    this.checks.on('error', (e) => console.warn(`bench pool: ${e.message}`));
    this.backends = new BackendCpu(this.database);
    const ports = await Promise.all(Array.from({ length: this.instances }, () => freePort()));
    const entry = path.join(this.appRoot, 'src/server/node/api-main.ts');
    const node = (port: number) => `'${process.execPath}' --import tsx '${entry}' --port ${port} --hostname 127.0.0.1 &`;
    this.group = startChild({
      name: `fieldsync-pg-x${this.instances}`,
      command: 'sh',
      args: ['-c', `${ports.map(node).join(' ')} wait`],
      cwd: this.appRoot,
      // As the single-instance contender runs: no rate limiting in the way, quiet logs.
      env: {
        ...process.env,
        NODE_ENV: 'production',
        DATABASE_URL: url,
        FIELDSYNC_TRUST_PROXY: '1',
        FIELDSYNC_SYNC_RATE_PER_MINUTE: '100000000',
        FIELDSYNC_SYNC_BURST: '100000000',
        FIELDSYNC_WORK_UNITS_PER_MINUTE: '1000000000',
        FIELDSYNC_WORK_BURST: '1000000000',
        FIELDSYNC_LOG_LEVEL: 'warn',
        FIELDSYNC_JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123456789',
      },
      logFile: path.join(this.work, `fieldsync-pg-x${this.instances}.log`),
      maxSeconds,
    });
    for (const port of ports) await waitForHttp(`http://127.0.0.1:${port}/api/v1/health`, this.group, 120_000);
    this.proxy = await startRoundRobinProxy(ports.map((p) => `http://127.0.0.1:${p}`));
    this.baseUrl = this.proxy.url;
  }

  override async stop(): Promise<void> {
    await this.proxy?.close();
    this.proxy = null;
    await this.group?.stop();
    this.group = null;
    await this.checks?.end();
    this.checks = null;
    if (this.database) await dropDatabase(this.database).catch((e: unknown) => console.warn(`could not drop ${this.database}: ${String(e)}`));
    this.database = null;
    await super.stop();
  }
}

/** The devices case on a deployment of INSTANCES instances behind the proxy, started by its setup. */
export function instanceCases(world: World, appRoot: string, work: string, maxSeconds: number): AnyCase[] {
  const server = new ProxiedDeployment(appRoot, work, INSTANCES);
  const w: FieldsyncWorld = { id: 'fieldsync-pg', server, admin: '', pusher: '', puller: '', loader: '', deviceTokens: [], applied: new Map(), expected: { records: 0, changes: 0, conflicts: 0 } };
  return deviceCases({ ...world, fieldsync: [w], pouch: null, raw: null }).map((c) => ({
    ...c,
    contender: 'fieldsync-pg-instances',
    setup: async () => {
      await server.start(maxSeconds);
      const ready = await setUpFieldsync('fieldsync-pg', server, world.sizes);
      w.admin = ready.admin;
      w.deviceTokens = ready.deviceTokens;
    },
    teardown: () => server.stop(),
  }));
}
