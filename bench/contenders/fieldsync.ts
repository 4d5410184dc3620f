// The Fieldsync contender: the built app as a child process, started as `npm start` starts it
// (scripts/server-command.mjs: the API on Node's http server, the UI by Next.js; `next start`
// for a checkout built before that), over a fresh PostgreSQL database or a fresh embedded
// PGlite folder, driven over HTTP exactly as the device engine drives it (docs/protocol.md): login,
// push batches of 100, paged pulls.
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import type { PushResponse } from '@/protocol/push';
import type { PullResponse } from '@/protocol/pull';
import { CountingHttp } from '../support/counting-fetch';
import { chunk, type BenchRecord } from '../support/data';
import { requestBody } from '../support/request-body';
import { BackendCpu, createDatabase, dropDatabase, migrateAndSeed } from '../support/postgres';
import { type Child, freePort, startChild, waitForHttp } from '../support/processes';
import { serverCommand } from '../../scripts/server-command.mjs';

export type FieldsyncKind = 'postgres' | 'pglite';
export const BENCH_PASSWORD = 'bench-password-1';

export interface WireChange {
  changeId: string;
  type: 'assessment';
  action: 'create' | 'update' | 'delete';
  recordId: string;
  entityId: string;
  baseVersion: number;
  hlc: string;
  data?: Record<string, unknown>;
}

export function createChange(r: BenchRecord): WireChange {
  return { changeId: r.changeId, type: 'assessment', action: 'create', recordId: r.id, entityId: r.entityId, baseVersion: 0, hlc: r.hlc, data: r.data };
}

/** An edit of a record that the server holds at version 1, with a new change id. */
export function updateChange(r: { id: string; entityId: string }, hlc: string, data: Record<string, unknown>): WireChange {
  return { changeId: uuidv7(), type: 'assessment', action: 'update', recordId: r.id, entityId: r.entityId, baseVersion: 1, hlc, data };
}

export interface PushTally {
  successful: number;
  conflicts: number;
  failed: number;
  clientWins: number;
  serverWins: number;
  firstFailure?: string;
}

export function emptyTally(): PushTally {
  return { successful: 0, conflicts: 0, failed: 0, clientWins: 0, serverWins: 0 };
}

export class FieldsyncServer {
  readonly http = new CountingHttp();
  /** Uncounted traffic: setup, loading, checks. */
  private readonly setupHttp = new CountingHttp();
  private child: Child | null = null;
  private pool: pg.Pool | null = null;
  private dbName: string | null = null;
  backends: BackendCpu | undefined;
  baseUrl = '';
  readonly dataDir: string | null;

  constructor(
    readonly kind: FieldsyncKind,
    private readonly root: string,
    private readonly workDir: string,
  ) {
    this.dataDir = kind === 'pglite' ? mkdtempSync(path.join(workDir, 'pglite-')) : null;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Direct SQL on the server's database (PostgreSQL only), for correctness checks. */
  get sql(): pg.Pool | null {
    return this.pool;
  }

  async start(maxSeconds: number): Promise<void> {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'production',
      FIELDSYNC_SYNC_RATE_PER_MINUTE: '100000000',
      FIELDSYNC_SYNC_BURST: '100000000',
      FIELDSYNC_WORK_UNITS_PER_MINUTE: '1000000000',
      FIELDSYNC_WORK_BURST: '1000000000',
      FIELDSYNC_LOG_LEVEL: 'warn',
      FIELDSYNC_JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123456789',
      NEXT_TELEMETRY_DISABLED: '1',
    };
    delete env.DATABASE_URL;
    if (this.kind === 'postgres') {
      this.dbName = `fieldsync_bench_${process.pid}_${Date.now().toString(36)}`;
      const url = await createDatabase(this.dbName);
      await migrateAndSeed(url, this.root);
      env.DATABASE_URL = url;
      this.pool = new pg.Pool({ connectionString: url, max: 2 });
      // An idle connection that ends (the database dropped at teardown) must not end the bench.
      this.pool.on('error', (e) => console.warn(`bench pool: ${e.message}`));
      this.backends = new BackendCpu(this.dbName);
    } else {
      env.FIELDSYNC_DATA_DIR = this.dataDir!;
    }
    const port = await freePort();
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.child = startChild({
      name: `fieldsync-${this.kind}`,
      ...serverCommand(this.root, { port, hostname: '127.0.0.1' }),
      cwd: this.root,
      env,
      logFile: path.join(this.workDir, `fieldsync-${this.kind}.log`),
      maxSeconds,
    });
    await waitForHttp(`${this.baseUrl}/api/v1/health`, this.child, 120_000);
    // The first request boots the server (migrations, demo data on PGlite); wait for "ok".
    const deadline = Date.now() + 120_000;
    for (;;) {
      const res = await this.setupHttp.fetch(`${this.baseUrl}/api/v1/health`);
      if (res.status === 200) break;
      if (Date.now() > deadline) throw new Error(`fieldsync-${this.kind} not healthy: ${res.status} ${await res.text()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Which of the endpoints the bench needs are served (the build may predate them). */
  async missingEndpoints(): Promise<string[]> {
    const probes: Array<[string, string, string]> = [
      ['login', 'POST', '/api/v1/auth/login'],
      ['push', 'POST', '/api/v1/sync/batch'],
      ['pull', 'GET', '/api/v1/sync/pull'],
      ['admin entities', 'POST', '/api/v1/admin/entities'],
      ['admin users', 'POST', '/api/v1/admin/users'],
    ];
    const missing: string[] = [];
    for (const [name, method, p] of probes) {
      const res = await this.setupHttp.fetch(`${this.baseUrl}${p}`, { method, headers: { 'content-type': 'application/json' }, ...(method === 'POST' ? { body: '{}' } : {}) });
      await res.arrayBuffer();
      if (res.status === 404 || res.status === 405) missing.push(name);
    }
    return missing;
  }

  async stop(): Promise<void> {
    await this.child?.stop();
    this.child = null;
    await this.pool?.end();
    this.pool = null;
    if (this.dbName) await dropDatabase(this.dbName).catch((e: unknown) => console.warn(`could not drop ${this.dbName}: ${String(e)}`));
    this.http.close();
    this.setupHttp.close();
  }

  async login(email: string, password: string): Promise<string> {
    const body = await this.json<{ token: string }>(this.setupHttp, 'POST', '/api/v1/auth/login', null, { email, password }, 200);
    return body.token;
  }

  async createEntity(admin: string, id: string, name: string): Promise<void> {
    await this.json(this.setupHttp, 'POST', '/api/v1/admin/entities', admin, { id, name, kind: 'camp' }, 201);
  }

  /** Creates a user with the bench password, assigned to `entityIds`; returns the user id. */
  async createUser(admin: string, email: string, role: 'field_worker' | 'coordinator', entityIds: string[]): Promise<string> {
    const created = await this.json<{ user: { id: string } }>(this.setupHttp, 'POST', '/api/v1/admin/users', admin, { email, name: email.split('@')[0], role, password: BENCH_PASSWORD }, 201);
    await this.json(this.setupHttp, 'PUT', `/api/v1/admin/users/${created.user.id}/assignments`, admin, { entityIds }, 200);
    return created.user.id;
  }

  /**
   * Pushes `changes` in batches of 100 as one device does: one after another, or with `lanes`
   * batches in flight at once as the app's engine sends an independent queue (src/client/push.ts);
   * to `baseUrl` when the server is to be reached another way (through a slow link).
   */
  async push(token: string, deviceId: string, changes: readonly WireChange[], counted = true, tally = emptyTally(), lanes = 1, baseUrl = this.baseUrl): Promise<PushTally> {
    const client = counted ? this.http : this.setupHttp;
    const batches = chunk(changes, 100);
    let next = 0;
    const lane = async () => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        addToTally(tally, await this.json<PushResponse>(client, 'POST', '/api/v1/sync/batch', token, { deviceId, changes: batch }, 200, baseUrl, true));
      }
    };
    await Promise.all(Array.from({ length: lanes }, lane));
    return tally;
  }

  /** Pulls everything the user may see into a fresh device: pages until `hasMore` is false. */
  async pullAll(token: string, limit: number): Promise<PullResponse['changes']> {
    const records: PullResponse['changes'] = [];
    let cursor: string | undefined;
    for (;;) {
      const q = new URLSearchParams({ limit: String(limit) });
      if (cursor) q.set('cursor', cursor);
      const page = await this.json<PullResponse>(this.http, 'GET', `/api/v1/sync/pull?${q}`, token, undefined, 200);
      for (const r of page.changes) records.push(r);
      cursor = page.cursor;
      if (!page.hasMore) return records;
    }
  }

  /** `compress`: the body gzip-encoded as the app's engine sends a push (src/client/transport.ts). */
  private async json<T>(client: CountingHttp, method: string, p: string, token: string | null, body: unknown, expect: number, baseUrl = this.baseUrl, compress = false): Promise<T> {
    const sent = requestBody(body, compress);
    const headers: Record<string, string> = { accept: 'application/json', ...sent.headers };
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await client.fetch(`${baseUrl}${p}`, { method, headers, ...(sent.body !== undefined ? { body: sent.body } : {}) });
    const text = await res.text();
    if (res.status !== expect) throw new Error(`fieldsync-${this.kind} ${method} ${p} → ${res.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  }
}

function addToTally(t: PushTally, res: PushResponse): void {
  t.successful += res.successful.length;
  t.conflicts += res.conflicts.length;
  t.failed += res.failed.length;
  for (const c of res.conflicts) {
    if (c.resolution === 'client_wins') t.clientWins++;
    else if (c.resolution === 'server_wins') t.serverWins++;
  }
  const f = res.failed[0];
  if (f && !t.firstFailure) t.firstFailure = `${f.code ?? '?'}: ${f.message ?? ''}`;
}
