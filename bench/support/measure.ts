// One timed sample: wall time, and the counters read before and after it: HTTP requests and
// wire bytes (at the client), CPU of the server process tree, CPU of the PostgreSQL backends
// serving the contender's database, and CPU of this (client) process.
import type { Traffic, TrafficSnapshot } from './counting-fetch';
import type { BackendCpu } from './postgres';
import { BackendCpu as BackendCpuClass } from './postgres';
import { treeCpuMs } from './processes';

/** Where HTTP traffic is counted: the counting fetch, or a browser page's events. */
export interface TrafficCounter {
  snapshot(): TrafficSnapshot;
  since(s: TrafficSnapshot): Traffic;
  /** Waits until everything already sent is counted. */
  settle?(): Promise<void>;
  /** Closes idle connections before a run. */
  dropIdle?(): void;
}

/** What can be counted for a contender. */
export interface Meters {
  readonly http?: TrafficCounter | undefined;
  /** Root of the server's process tree (the `timeout` wrapper of the child). */
  readonly serverPid?: number | undefined;
  readonly backends?: BackendCpu | undefined;
}

export interface Sample {
  readonly changes: number;
  readonly ms: number;
  readonly requests: number | null;
  readonly bytes: number | null;
  readonly serverCpuMs: number | null;
  readonly dbCpuMs: number | null;
  readonly clientCpuMs: number;
  readonly latenciesMs: number[];
}

export interface Execution {
  /** Latencies measured by the contender itself (raw PostgreSQL: per transaction). */
  readonly latenciesMs?: number[];
}

export async function measure(meters: Meters, changes: number, fn: () => Promise<Execution | void>): Promise<Sample> {
  await meters.http?.settle?.();
  meters.http?.dropIdle?.();
  const traffic = meters.http?.snapshot();
  const server0 = meters.serverPid === undefined ? null : treeCpuMs(meters.serverPid);
  const db0 = meters.backends ? await meters.backends.snapshot() : null;
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  const out = await fn();
  const ms = performance.now() - t0;
  await meters.http?.settle?.();
  const client = process.cpuUsage(client0);
  const server1 = meters.serverPid === undefined ? null : treeCpuMs(meters.serverPid);
  const db1 = meters.backends ? await meters.backends.snapshot() : null;
  const t = traffic && meters.http ? meters.http.since(traffic) : null;
  return {
    changes,
    ms,
    requests: t ? t.requests : null,
    bytes: t ? t.bytes : null,
    serverCpuMs: server0 !== null && server1 !== null ? server1 - server0 : null,
    dbCpuMs: db0 && db1 ? BackendCpuClass.delta(db0, db1) : null,
    clientCpuMs: (client.user + client.system) / 1000,
    latenciesMs: out?.latenciesMs ?? t?.latenciesMs ?? [],
  };
}
