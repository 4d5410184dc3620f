// The instance's Prometheus metrics (GET /api/v1/metrics, metrics-handler.ts), in a registry of
// their own per server context, so tests and several servers in one process never share one.
// Counters are fed where the event happens (observe-request.ts, observe-push.ts); gauges that
// describe state (open conflicts, the database pool, requests in flight) are read when scraped.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What the gauges read at scrape time; set once the context has them. */
export interface MetricSources {
  /** Conflicts waiting for a decision, counted in the database. */
  openConflicts?: () => Promise<number>;
  /** PostgreSQL pool clients: all, idle, and queries waiting for one (absent on PGlite). */
  pool?: () => { total: number; idle: number; waiting: number } | undefined;
}

export class Metrics {
  readonly registry = new Registry();
  readonly sources: MetricSources = {};
  /** API requests being answered by this instance now. */
  readonly inFlight = new Gauge({ name: 'fieldsync_http_requests_in_flight', help: 'API requests being answered now', registers: [this.registry] });
  readonly requests = new Counter({
    name: 'fieldsync_http_requests_total',
    help: 'API requests answered, by route (handler), method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });
  readonly duration = new Histogram({
    name: 'fieldsync_http_request_duration_seconds',
    help: 'Time to answer an API request (until the response is handed over), by route, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly changesPushed = new Counter({
    name: 'fieldsync_changes_pushed_total',
    help: 'Changes pushed, by result (success, conflict, failed)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly recordsPulled = new Counter({ name: 'fieldsync_records_pulled_total', help: 'Records served by pulls', registers: [this.registry] });
  readonly conflicts = new Counter({ name: 'fieldsync_conflicts_total', help: 'Conflicts recorded by pushes', registers: [this.registry] });
  readonly uploads = new Counter({ name: 'fieldsync_uploads_total', help: 'Media uploads stored', registers: [this.registry] });
  readonly uploadBytes = new Counter({ name: 'fieldsync_upload_bytes_total', help: 'Bytes of media uploads stored', registers: [this.registry] });

  constructor() {
    const sources = this.sources;
    new Gauge({
      name: 'fieldsync_open_conflicts',
      help: 'Conflicts waiting for a decision (read from the database at scrape time)',
      registers: [this.registry],
      async collect() {
        // A database that does not answer leaves the last value; the scrape itself must not fail.
        const n = await sources.openConflicts?.().catch(() => undefined);
        if (n !== undefined) this.set(n);
      },
    });
    new Gauge({
      name: 'fieldsync_db_pool_clients',
      help: 'PostgreSQL pool clients by state (total, idle, waiting: queries waiting for a client)',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const pool = sources.pool?.();
        if (!pool) return;
        this.set({ state: 'total' }, pool.total);
        this.set({ state: 'idle' }, pool.idle);
        this.set({ state: 'waiting' }, pool.waiting);
      },
    });
    collectDefaultMetrics({ register: this.registry });
    // Every counter is present from the start, at 0, so a dashboard's rate() has a series to read.
    for (const result of ['success', 'conflict', 'failed']) this.changesPushed.inc({ result }, 0);
  }
}
