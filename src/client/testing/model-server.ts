// A small in-memory model of the sync server (docs/protocol.md), for engine unit tests: push with
// idempotent change ids and last-write-wins, pull with a cursor, health, and faults the test
// queues (drop the request, drop the response after applying, answer an HTTP error).
// The integration suite uses the real server instead.
import type { ChangeInput, ChangeResult, Entity, PullResponse, PushResponse, SyncRecord } from '@/protocol';
import type { FetchLike } from '../env';

export type Fault =
  | { readonly kind: 'ok' }
  | { readonly kind: 'drop-request' }
  | { readonly kind: 'drop-response' }
  | { readonly kind: 'status'; readonly status: number; readonly code: string; readonly retryAfter?: number };

export class ModelServer {
  readonly records = new Map<string, SyncRecord & { seq: number }>();
  readonly seen = new Map<string, ChangeResult>();
  readonly conflicts: Array<{ changeId: string; winner: 'client' | 'server' }> = [];
  readonly faults: Fault[] = [];
  readonly requests: Array<{ path: string; body: unknown }> = [];
  entities: Entity[];
  validToken = 'good-token';
  invalidCursors = new Set<string>();
  /** Awaited before each push is applied: lets a test hold requests in flight. */
  beforePush: (() => Promise<void>) | null = null;
  /** A whole push answered with this status when any of its changes matches (a change the server fails on). */
  failsOn: ((c: ChangeInput) => boolean) | null = null;
  failsOnStatus = 500;
  /** Behind a captive portal: every request gets the portal's HTML page. */
  captive = false;
  serverMs = Date.parse('2026-11-26T08:00:00.000Z');
  private seq = 0;

  constructor(entities: Entity[]) {
    this.entities = entities;
  }

  get hlc(): string {
    return `${new Date(this.serverMs).toISOString()}-0000-server`;
  }

  fetch: FetchLike = async (input, init) => {
    const url = new URL(input, 'http://model');
    const body = init?.body ? (JSON.parse(String(init.body)) as unknown) : undefined;
    this.requests.push({ path: url.pathname, body });
    if (this.captive) return new Response('<html>Sign in to the Wi-Fi</html>', { status: 200, headers: { 'content-type': 'text/html' } });
    const fault = url.pathname === '/api/v1/health' ? undefined : this.faults.shift();
    if (fault?.kind === 'drop-request') throw new TypeError('fetch failed');
    if (fault?.kind === 'status')
      return json(fault.status, { error: { code: fault.code, message: 'fault' } }, fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {});
    if (url.pathname === '/api/v1/health') return json(200, { status: 'ok', db: 'ok' });
    const auth = new Headers(init?.headers).get('authorization');
    if (auth !== `Bearer ${this.validToken}`) return json(401, { error: { code: 'UNAUTHENTICATED', message: 'no' } });
    let res: Response;
    if (url.pathname === '/api/v1/sync/batch') {
      await this.beforePush?.();
      const changes = (body as { changes: ChangeInput[] }).changes;
      if (this.failsOn && changes.some(this.failsOn))
        return json(this.failsOnStatus, { error: { code: this.failsOnStatus === 400 ? 'BAD_REQUEST' : 'INTERNAL', message: 'the server failed' } });
      res = json(200, this.push(body as { changes: ChangeInput[] }));
    }
    else if (url.pathname === '/api/v1/sync/pull') {
      const cursor = url.searchParams.get('cursor');
      if (cursor !== null && (this.invalidCursors.has(cursor) || !/^\d+$/.test(cursor)))
        return json(400, { error: { code: 'INVALID_CURSOR', message: 'bad cursor' } });
      res = json(200, this.pull(cursor, Number(url.searchParams.get('limit') ?? 500)));
    } else res = json(404, { error: { code: 'NOT_FOUND', message: url.pathname } });
    if (fault?.kind === 'drop-response') throw new TypeError('fetch failed (response lost)');
    return res;
  };

  push(body: { changes: ChangeInput[] }): PushResponse {
    const out: PushResponse = { successful: [], conflicts: [], failed: [], serverHlc: this.hlc };
    for (const c of body.changes) {
      const r = this.seen.get(c.changeId) ?? this.apply(c);
      this.seen.set(c.changeId, r);
      (r.status === 'success' ? out.successful : r.status === 'conflict' ? out.conflicts : out.failed).push(r);
    }
    return out;
  }

  private apply(c: ChangeInput): ChangeResult {
    const ids = { changeId: c.changeId, recordId: c.recordId, offlineId: c.recordId, serverId: c.recordId };
    const fail = (code: 'VALIDATION' | 'FORBIDDEN' | 'NOT_FOUND', message: string): ChangeResult => ({ ...ids, status: 'failed', code, message });
    if (!this.entities.some((e) => e.id === c.entityId)) return fail('FORBIDDEN', 'entity not assigned');
    if (c.data && (c.data as { invalid?: unknown }).invalid) return fail('VALIDATION', 'invalid data');
    const parent = c.type === 'response' ? c.data?.assessmentId : undefined;
    if (typeof parent === 'string') {
      const p = this.records.get(parent);
      if (!p || p.deleted) return fail('NOT_FOUND', 'assessment not found');
    }
    const cur = this.records.get(c.recordId);
    if (!cur && c.action !== 'create') return fail('NOT_FOUND', 'no such record');
    const base = c.action === 'create' ? 0 : (c.baseVersion ?? 0);
    const write = (): SyncRecord => {
      const rec = {
        type: c.type, id: c.recordId, entityId: c.entityId, version: (cur?.version ?? 0) + 1,
        data: c.data ?? cur?.data ?? {}, deleted: c.action === 'delete', hlc: c.hlc, updatedBy: 'user', seq: ++this.seq,
      };
      this.records.set(c.recordId, rec);
      return rec;
    };
    if (!cur || cur.version === base) return { ...ids, status: 'success', version: write().version };
    if (c.hlc > cur.hlc) {
      this.conflicts.push({ changeId: c.changeId, winner: 'client' });
      return { ...ids, status: 'conflict', resolution: 'client_wins', version: write().version };
    }
    this.conflicts.push({ changeId: c.changeId, winner: 'server' });
    const { seq: _seq, ...record } = cur;
    return { ...ids, status: 'conflict', resolution: 'server_wins', version: cur.version, record };
  }

  pull(cursor: string | null, limit: number): PullResponse {
    const after = cursor === null ? 0 : Number(cursor);
    const rows = [...this.records.values()].filter((r) => r.seq > after).sort((a, b) => a.seq - b.seq);
    const page = rows.slice(0, limit);
    const last = page.at(-1)?.seq ?? after;
    return {
      changes: page.map(({ seq: _seq, ...r }) => r),
      entities: cursor === null ? this.entities : [],
      removedEntityIds: [],
      cursor: String(last),
      hasMore: rows.length > limit,
      serverHlc: this.hlc,
    };
  }

  /** A write by someone else, as the server would store it. */
  writeAsOther(r: Omit<SyncRecord, 'version' | 'updatedBy'>): SyncRecord {
    const cur = this.records.get(r.id);
    const rec = { ...r, version: (cur?.version ?? 0) + 1, updatedBy: 'other', seq: ++this.seq };
    this.records.set(r.id, rec);
    return rec;
  }

  pushes(): Array<{ changes: ChangeInput[] }> {
    return this.requests.filter((r) => r.path === '/api/v1/sync/batch').map((r) => r.body as { changes: ChangeInput[] });
  }
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}
