// A PostgreSQL cluster of the chaos run's own (initdb in a temporary directory, run as the
// `postgres` user), so the run can stop it with `pg_ctl stop -m immediate` as a crash does and
// start it again, without touching the machine's cluster. fsync is off: the faults are process
// crashes, after which the kernel still holds every write. Starts and stops run asynchronously:
// a synchronous pg_ctl would freeze the devices and the proxy along with the database.
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HarnessError } from './guard';

function pgBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(path.join(root, v, 'bin', 'pg_ctl'))) return path.join(root, v, 'bin');
  throw new HarnessError('no PostgreSQL server binaries (pg_ctl) under /usr/lib/postgresql/*/bin');
}

function uidOf(user: string): { uid: number; gid: number } {
  try {
    const uid = Number(execFileSync('id', ['-u', user], { stdio: ['ignore', 'pipe', 'pipe'] }).toString().trim());
    const gid = Number(execFileSync('id', ['-g', user], { stdio: ['ignore', 'pipe', 'pipe'] }).toString().trim());
    return { uid, gid };
  } catch {
    throw new HarnessError(`there is no \`${user}\` user to run PostgreSQL as`);
  }
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

  /** Makes and starts the cluster, or throws a HarnessError saying what the machine lacks (root, the postgres user, the binaries). */
  static async create(port: number): Promise<PostgresCluster> {
    const c = new PostgresCluster(port);
    // If the run dies, the cluster does not outlive it.
    process.once('exit', () => c.destroy());
    try {
      const { uid, gid } = uidOf('postgres');
      chmodSync(c.dir, 0o700);
      chownSync(c.dir, uid, gid);
      await c.as(['initdb', '-D', c.data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'], 120_000);
      await c.start();
      await c.as(['createdb', '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', 'fieldsync'], 30_000);
      return c;
    } catch (e) {
      c.destroy();
      const why = e instanceof Error ? e.message : String(e);
      throw new HarnessError(`cannot start its own PostgreSQL cluster (needs root, a postgres user and ${c.bin}): ${why}`);
    }
  }

  private as(args: string[], timeout: number): Promise<string> {
    const [cmd, ...rest] = args;
    return new Promise((resolve, reject) => {
      execFile('runuser', ['-u', 'postgres', '--', path.join(this.bin, cmd!), ...rest], { cwd: this.dir, timeout }, (err, stdout, stderr) => {
        if (err) reject(new HarnessError(`${cmd} failed: ${String(stderr).trim() || err.message}`));
        else resolve(String(stdout));
      });
    });
  }

  async start(): Promise<void> {
    const opts = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=300`;
    await this.as(['pg_ctl', '-D', this.data, '-o', opts, '-l', path.join(this.dir, 'server.log'), '-w', '-t', '120', 'start'], 150_000);
    this.running = true;
  }

  /** As a crash: no checkpoint, every backend killed at once; recovery replays the WAL at start. */
  async stopImmediate(): Promise<void> {
    this.running = false;
    await this.as(['pg_ctl', '-D', this.data, '-m', 'immediate', '-w', 'stop'], 60_000);
  }

  /** Synchronous, so it also works in an `exit` hook: the cluster stops with the run, however the run ends. */
  destroy(): void {
    if (!existsSync(this.dir)) return;
    try {
      if (existsSync(path.join(this.data, 'postmaster.pid')))
        execFileSync('runuser', ['-u', 'postgres', '--', path.join(this.bin, 'pg_ctl'), '-D', this.data, '-m', 'immediate', '-w', 'stop'], {
          cwd: this.dir,
          timeout: 60_000,
          stdio: 'ignore',
        });
    } catch {
      // already down
    }
    this.running = false;
    rmSync(this.dir, { recursive: true, force: true });
  }
}
