// The instance's live-update streams (GET /api/v1/sync/events) and what feeds them: one LISTEN
// connection (listener.ts, started with the first stream) whose notices (notice.ts) are fanned
// out here to the streams of the callers they concern:
//   records   → `changes {entityIds}` to every stream whose caller sees one of the entities;
//   conflicts → `conflicts {open}` to coordinators and admins whose count of open conflicts they
//               may resolve changed, `overwritten {recordIds}` to the users overwritten;
//   users     → the streams of those users re-read who they are (a removed user's end; a
//               changed entity set is a `changes` for the entities gained or lost).
// Streams are bounded per instance and per user (429 beyond), get a comment every heartbeat, end
// when their token expires, and all end on close() (the SIGTERM drain).
import { type SQL, sql } from 'drizzle-orm';
import type { Caller } from '../../auth/authenticate';
import { callerQuery, toCaller, type CallerRow } from '../../auth/authenticate';
import type { Clock } from '../../clock';
import type { Config } from '../../config';
import { type Database, rows } from '../../db/database';
import { ApiError, rateLimited } from '../../http/api-error';
import type { Logger } from '../../log';
import { EventStream } from './event-stream';
import { type Listener, listen } from './listener';
import { type IdSet, type Notice, named, parseNotice } from './notice';
import { sseComment, sseEvent } from './sse';

export const HEARTBEAT_MS = 25_000;
const FULL_RETRY_AFTER_SECONDS = 5;
// setTimeout takes at most a signed 32-bit delay; longer waits are taken in steps.
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface EventHubDeps {
  readonly database: Database;
  readonly config: Pick<Config, 'eventStreams' | 'eventStreamsPerUser'>;
  readonly clock: Clock;
  readonly log: Logger;
  readonly heartbeatMs?: number;
}

export class EventHub {
  private readonly byUser = new Map<string, Set<EventStream>>();
  private readonly expiries = new Map<EventStream, ReturnType<typeof setTimeout>>();
  private count = 0;
  private listener: Promise<Listener> | null = null;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  /** Notices are handled one after another, so conflict counts go out in the order they changed. */
  private work: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly deps: EventHubDeps) {}

  /** Streams open on this instance. */
  get size(): number {
    return this.count;
  }

  /** A new stream for `caller` until `expiresAtMs`; 429 past the bounds, 503 after close(). */
  async open(caller: Caller, expiresAtMs: number): Promise<EventStream> {
    if (this.closed) throw shuttingDown();
    const mine = this.byUser.get(caller.id);
    if (this.count >= this.deps.config.eventStreams || (mine?.size ?? 0) >= this.deps.config.eventStreamsPerUser)
      throw rateLimited(FULL_RETRY_AFTER_SECONDS);
    const stream = new EventStream(caller, (s) => this.remove(s));
    this.add(stream);
    try {
      await this.started();
    } catch (e) {
      stream.end();
      throw e;
    }
    stream.send(sseComment('fieldsync live updates'));
    this.expireAt(stream, expiresAtMs);
    if (canResolve(caller)) this.enqueue(() => this.recount([stream]));
    return stream;
  }

  /** Ends every stream and stops listening; new streams are refused (503). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const set of [...this.byUser.values()]) for (const s of [...set]) s.end();
    clearInterval(this.heartbeat);
    const listener = this.listener;
    this.listener = null;
    if (listener) await (await listener.catch(() => null))?.close();
  }

  private started(): Promise<Listener> {
    this.listener ??= listen(
      this.deps.database,
      {
        onNotice: (payload) => {
          const notice = parseNotice(payload);
          if (notice) this.enqueue(() => this.deliver(notice));
        },
        onGap: () => this.enqueue(() => this.catchUp()),
        wanted: () => this.count > 0 && !this.closed,
        onStop: () => {
          this.listener = null;
        },
      },
      this.deps.log,
    ).catch((e: unknown) => {
      this.listener = null;
      throw e;
    });
    return this.listener;
  }

  private add(stream: EventStream): void {
    let set = this.byUser.get(stream.caller.id);
    if (!set) this.byUser.set(stream.caller.id, (set = new Set()));
    set.add(stream);
    this.count++;
    if (this.count === 1) {
      this.heartbeat = setInterval(() => this.beat(), this.deps.heartbeatMs ?? HEARTBEAT_MS);
      this.heartbeat.unref();
    }
  }

  private remove(stream: EventStream): void {
    const set = this.byUser.get(stream.caller.id);
    if (!set?.delete(stream)) return;
    if (set.size === 0) this.byUser.delete(stream.caller.id);
    clearTimeout(this.expiries.get(stream));
    this.expiries.delete(stream);
    this.count--;
    if (this.count === 0) clearInterval(this.heartbeat);
  }

  private expireAt(stream: EventStream, atMs: number): void {
    const wait = atMs - this.deps.clock.now();
    if (wait <= 0) return stream.end();
    const timer = setTimeout(() => this.expireAt(stream, atMs), Math.min(wait, MAX_TIMER_MS));
    timer.unref();
    this.expiries.set(stream, timer);
  }

  private beat(): void {
    const chunk = sseComment('keep-alive');
    for (const s of this.all()) s.send(chunk);
  }

  private enqueue(task: () => Promise<void>): void {
    this.work = this.work.then(task).catch((e: unknown) => this.deps.log.warn({ err: e }, 'live updates: a notice was not delivered'));
  }

  private async deliver(notice: Notice): Promise<void> {
    switch (notice.k) {
      case 'records':
        for (const s of this.all()) this.sendChanges(s, notice.e);
        return;
      case 'conflicts': {
        for (const { u, r } of notice.o) {
          if (u === null) continue;
          for (const s of this.byUser.get(u) ?? []) s.send(sseEvent({ event: 'overwritten', data: { recordIds: [r] } }));
        }
        await this.recount(this.all().filter((s) => canResolve(s.caller) && named(notice.e, entitiesOf(s.caller, notice.e)).length > 0));
        return;
      }
      case 'users':
        await this.reload(notice.u);
        return;
    }
  }

  /** After the LISTEN connection was lost: anything may have changed. */
  private async catchUp(): Promise<void> {
    for (const s of this.all()) this.sendChanges(s, '*');
    await this.recount(this.all().filter((s) => canResolve(s.caller)));
  }

  private sendChanges(stream: EventStream, announced: IdSet): void {
    const entityIds = named(announced, entitiesOf(stream.caller, announced));
    if (entityIds.length > 0) stream.send(sseEvent({ event: 'changes', data: { entityIds } }));
  }

  /** Sends each stream's caller's open-conflict count where it differs from the one last sent. */
  private async recount(streams: readonly EventStream[]): Promise<void> {
    const byUser = new Map<string, EventStream[]>();
    for (const s of streams) byUser.set(s.caller.id, [...(byUser.get(s.caller.id) ?? []), s]);
    for (const group of byUser.values()) {
      const open = await openConflictCount(this.deps.database, group[0]!.caller);
      for (const s of group)
        if (s.isOpen && s.openConflicts !== open) {
          s.openConflicts = open;
          s.send(sseEvent({ event: 'conflicts', data: { open } }));
        }
    }
  }

  private async reload(users: IdSet): Promise<void> {
    const ids = users === '*' ? [...this.byUser.keys()] : users.filter((u) => this.byUser.has(u));
    for (const id of ids) {
      const [row] = await rows<CallerRow>(this.deps.database.db, callerQuery(id));
      const streams = [...(this.byUser.get(id) ?? [])];
      if (!row) {
        for (const s of streams) s.end();
        continue;
      }
      const caller = toCaller(row);
      for (const s of streams) {
        const before = new Set(s.caller.entityIds);
        const after = new Set(caller.entityIds);
        const changed = [...caller.entityIds.filter((e) => !before.has(e)), ...s.caller.entityIds.filter((e) => !after.has(e))];
        s.caller = caller;
        if (changed.length > 0) s.send(sseEvent({ event: 'changes', data: { entityIds: changed } }));
      }
      if (canResolve(caller)) await this.recount(streams);
    }
  }

  private all(): EventStream[] {
    const out: EventStream[] = [];
    for (const set of this.byUser.values()) for (const s of set) out.push(s);
    return out;
  }
}

const canResolve = (caller: Caller) => caller.role === 'coordinator' || caller.role === 'admin';

/** The entities a caller sees among those announced: an admin sees every entity, new ones too. */
function entitiesOf(caller: Caller, announced: IdSet): readonly string[] {
  return caller.role === 'admin' && announced !== '*' ? announced : caller.entityIds;
}

/** Open conflicts in the caller's entities, counted as GET /sync/status counts them. */
async function openConflictCount(database: Database, caller: Caller): Promise<number> {
  const inEntities: SQL =
    caller.role === 'admin' ? sql`true` : sql`entity_id = any(${`{${caller.entityIds.join(',')}}`}::uuid[])`;
  const [row] = await rows<{ open: number }>(
    database.db,
    sql`select count(*)::int as open from sync_conflicts where status = 'open' and ${inEntities}`,
  );
  return Number(row?.open ?? 0);
}

const shuttingDown = () =>
  new ApiError(503, 'UNAVAILABLE', 'the server is shutting down, try another instance', undefined, { 'Retry-After': '1' });
