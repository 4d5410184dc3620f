// A PostgreSQL cluster of the chaos run's own (initdb in a temporary directory, run as the
// `postgres` user), so the run can stop it with `pg_ctl stop -m immediate` as a crash does and
// start it again, without touching the machine's cluster. fsync is off: the faults are process
// crashes, after which the kernel still holds every write.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function pgBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(path.join(root, v, 'bin', 'pg_ctl'))) return path.join(root, v, 'bin');
  throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql');
}

function uidOf(user: string): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', user]).toString().trim());
  const gid = Number(execFileSync('id', ['-g', user]).toString().trim());
  return { uid, gid };
}

export class PostgresCluster {
  private readonly bin = pgBin();
  private readonly dir: string;
  private readonly data: string;
  private running = false;

  private constructor(readonly port: number) {
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'fieldsync-chaos-pg-'));
    this.data = path.join(this.dir, 'data');
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/fieldsync`;
  }

  get adminUrl(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  get isRunning(): boolean {
    return this.running;
  }

  static async create(port: number): Promise<PostgresCluster> {
    const c = new PostgresCluster(port);
    // If the run dies, the cluster does not outlive it.
    process.once('exit', () => c.destroy());
    const { uid, gid } = uidOf('postgres');
    chmodSync(c.dir, 0o700);
    chownSync(c.dir, uid, gid);
    c.as(['initdb', '-D', c.data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'], 120_000);
    c.start();
    c.as(['createdb', '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', 'fieldsync'], 30_000);
    return c;
  }

  private as(args: string[], timeout: number): string {
    const [cmd, ...rest] = args;
    return execFileSync('runuser', ['-u', 'postgres', '--', path.join(this.bin, cmd!), ...rest], {
      cwd: this.dir,
      timeout,
      stdio: ['ignore', 'pipe', 'pipe'],
    }).toString();
  }

  start(): void {
    const opts = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=300`;
    this.as(['pg_ctl', '-D', this.data, '-o', opts, '-l', path.join(this.dir, 'server.log'), '-w', '-t', '60', 'start'], 90_000);
    this.running = true;
  }

  /** As a crash: no checkpoint, every backend killed at once; recovery replays the WAL at start. */
  stopImmediate(): void {
    this.running = false;
    this.as(['pg_ctl', '-D', this.data, '-m', 'immediate', '-w', 'stop'], 60_000);
  }

  destroy(): void {
    if (!existsSync(this.dir)) return;
    try {
      if (existsSync(path.join(this.data, 'postmaster.pid'))) this.as(['pg_ctl', '-D', this.data, '-m', 'immediate', '-w', 'stop'], 60_000);
    } catch {
      // already down
    }
    this.running = false;
    rmSync(this.dir, { recursive: true, force: true });
  }
}
