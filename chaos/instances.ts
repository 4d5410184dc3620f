// The API server instances of a chaos run: src/server/node/api-main.ts as real processes (no
// Next.js build), all on the run's own PostgreSQL. Each runs under coreutils `timeout` so it
// stops by itself; a SIGKILL goes to the node process itself (timeout cannot pass that one on).
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

// If the run dies, its servers die with it.
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) killGroup(c);
});

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

async function canListen(port: number): Promise<boolean> {
  const srv = net.createServer();
  const ok = await new Promise<boolean>((resolve) => {
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => resolve(true));
  });
  if (ok) await new Promise<void>((resolve) => srv.close(() => resolve()));
  return ok;
}

const taken = new Set<number>();

/**
 * A free port below the ephemeral range (32768 and up on Linux): a killed instance's port must
 * still be free when it restarts, and an outgoing connection could take an ephemeral one meanwhile.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (taken.has(port)) continue;
    if (await canListen(port)) {
      taken.add(port);
      return port;
    }
  }
}

export interface InstanceOptions {
  readonly root: string;
  readonly port: number;
  readonly env: NodeJS.ProcessEnv;
  /** The environment of a restart (the first start may migrate and seed; a restart must not need the database). */
  readonly restartEnv?: NodeJS.ProcessEnv;
  readonly logFile: string;
  readonly maxSeconds: number;
}

export class Instance {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private starts = 0;
  /** Set while the run itself stops or restarts this instance; any other exit is a crash. */
  private stopping = false;
  /** Exits the run did not cause (the server died by itself). */
  crashes = 0;

  constructor(private readonly o: InstanceOptions) {}

  get port(): number {
    return this.o.port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.o.port}`;
  }

  alive(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(readyMs = 90_000): Promise<void> {
    const entry = path.join(this.o.root, 'src/server/node/api-main.ts');
    const log = createWriteStream(this.o.logFile, { flags: 'a' });
    const child = spawn('timeout', ['--kill-after=5', String(this.o.maxSeconds), process.execPath, '--import', 'tsx', entry, '--port', String(this.o.port), '--hostname', '127.0.0.1'], {
      cwd: this.o.root,
      env: this.starts++ > 0 && this.o.restartEnv ? this.o.restartEnv : this.o.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group (timeout leads it): a SIGKILL to the group reaches the server too.
      detached: true,
    });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    this.child = child;
    // Counted as a crash only once it has been up: a start that fails is the start's error.
    this.stopping = true;
    this.exited = new Promise<void>((resolve) =>
      child.once('exit', () => {
        if (!this.stopping && this.child === child) this.crashes += 1;
        resolve();
      }),
    );
    // If the run dies, its servers die with it (the node process too: killing `timeout` alone leaves it).
    live.add(child);
    child.once('exit', () => live.delete(child));
    const deadline = Date.now() + readyMs;
    for (;;) {
      if (!this.alive()) throw new Error(`instance :${this.o.port} exited before it was ready (see ${this.o.logFile})`);
      try {
        const res = await fetch(`${this.url}/api/v1/health`, { signal: AbortSignal.timeout(3_000) });
        await res.arrayBuffer();
        // Listening: 503 while the database is down still means the process is up.
        if (res.status === 200 || res.status === 503) {
          this.stopping = false;
          return;
        }
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`instance :${this.o.port} not healthy within ${readyMs} ms (see ${this.o.logFile})`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Starts again after a kill, on its port, trying until it is up (the database may be down meanwhile). */
  async restart(): Promise<void> {
    this.stopping = true;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.start(60_000);
        return;
      } catch (e) {
        if (attempt >= 10) throw e;
        await this.kill().catch(() => undefined);
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  }

  /** SIGKILL to the server's process group: no drain, requests in flight die with it. */
  async kill(): Promise<void> {
    this.stopping = true;
    if (this.child) killGroup(this.child);
    await this.exited;
  }

  /** SIGTERM (timeout passes it on): the server drains and exits by itself. */
  async terminate(): Promise<void> {
    if (!this.alive()) return;
    this.stopping = true;
    this.child!.kill('SIGTERM');
    const timer = setTimeout(() => void this.kill(), 15_000);
    await this.exited;
    clearTimeout(timer);
  }

  async stop(): Promise<void> {
    await this.terminate();
  }
}
