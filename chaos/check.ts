// What came out of a chaos run, counted against the server's tables and the devices' own
// databases once everything drained:
//   lost        a saved change that is neither applied (sync_changes: success, or conflict with
//               its conflict-log row) nor shown to its user as rejected/failed on the device;
//   duplicated  a change applied twice: a record's version higher than the changes that made
//               versions, two changes claiming one version, or a change decided twice (two
//               conflict-log entries, or one beside a success);
//   diverged    a record a device shows (synced, nothing of its own pending) that differs from
//               the server's, or a server record of the user's entities the device lacks;
//   stuck       a saved change still pending or in flight on its device after the drain bound;
//   photos lost a photo saved on a device whose bytes the server never stored complete with the
//               photo's SHA-256 (media_content, and the stored file hashed again), unless the
//               device shows it to its user as rejected (a checksum mismatch is never the user's).
// Entries held behind a rejected change of the same record, or behind the rejected create of the
// record they depend on (media → parent, response → assessment), are the user's to resolve, not stuck.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import type { LocalRecord, OutboxEntry, UploadRow } from '@/client/db';
import type { LedgerEntry, PhotoEntry } from './device';

export interface DeviceView {
  readonly label: string;
  readonly email: string;
  readonly outbox: readonly OutboxEntry[];
  readonly records: readonly LocalRecord[];
  readonly uploads: readonly UploadRow[];
}

export interface Counts {
  lost: number;
  duplicated: number;
  diverged: number;
  stuck: number;
  photosLost: number;
}

export const COUNTS: ReadonlyArray<keyof Counts> = ['lost', 'duplicated', 'diverged', 'stuck', 'photosLost'];

export const problems = (c: Counts): number => COUNTS.reduce((n, k) => n + c[k], 0);

export interface CheckResult extends Counts {
  readonly changes: number;
  readonly distinctChanges: number;
  readonly photos: number;
  readonly outcomes: Record<string, number>;
  /** The first few of each problem, to start looking from. */
  readonly examples: string[];
}

/** Whether `e` waits behind a rejected change: an earlier one of its record, or one of the record it depends on. */
export function heldBehindRejected(outbox: readonly OutboxEntry[], e: OutboxEntry): boolean {
  return outbox.some((x) => x.status === 'rejected' && ((x.recordId === e.recordId && x.seq < e.seq) || (e.parentId !== null && x.recordId === e.parentId)));
}

/** Keys sorted, so jsonb's order and the device's compare equal. */
export function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
    .join(',')}}`;
}

interface LogRow {
  change_id: string;
  record_id: string | null;
  result: { status?: string; version?: number; resolution?: string; code?: string } | null;
  logged_conflict: boolean;
}

async function sha256File(file: string): Promise<string | null> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  } catch {
    return null;
  }
  return hash.digest('hex');
}

export interface PhotoCheckInput {
  readonly photos: readonly PhotoEntry[];
  /** The servers' shared content folder (disk content store: a file per storage key). */
  readonly mediaDir: string;
}

export async function check(pool: pg.Pool, ledger: readonly LedgerEntry[], devices: readonly DeviceView[], media: PhotoCheckInput): Promise<CheckResult> {
  const examples: string[] = [];
  const note = (s: string) => {
    if (examples.length < 20) examples.push(s);
  };
  const counts: Counts = { lost: 0, duplicated: 0, diverged: 0, stuck: 0, photosLost: 0 };
  const outcomes: Record<string, number> = {};
  const bump = (k: string) => (outcomes[k] = (outcomes[k] ?? 0) + 1);

  const byChange = new Map<string, LedgerEntry>();
  for (const e of ledger) byChange.set(e.changeId, e);
  const ids = [...byChange.keys()];
  const log = new Map<string, LogRow>();
  for (let i = 0; i < ids.length; i += 5_000) {
    const r = await pool.query<LogRow>(
      `select c.change_id::text, c.record_id::text, c.result,
              exists (select 1 from sync_conflicts k where k.change_id = c.change_id) as logged_conflict
       from sync_changes c where c.change_id = any($1::uuid[])`,
      [ids.slice(i, i + 5_000)],
    );
    for (const row of r.rows) log.set(row.change_id, row);
  }
  const entries = new Map<string, { entry: OutboxEntry; device: DeviceView }>();
  for (const d of devices) for (const e of d.outbox) entries.set(e.changeId, { entry: e, device: d });

  // ── lost and stuck ──
  for (const [changeId, l] of byChange) {
    const row = log.get(changeId);
    const local = entries.get(changeId);
    const status = row?.result?.status;
    if (status === 'success') {
      bump('applied');
      continue;
    }
    if (status === 'conflict') {
      if (row!.logged_conflict) bump('conflict');
      else {
        counts.lost += 1;
        note(`lost: ${l.device} ${l.action} ${changeId} answered conflict without a conflict-log entry`);
      }
      continue;
    }
    const shown = local && (local.entry.status === 'rejected' || local.entry.status === 'failed');
    if (status === 'failed' || !row) {
      if (shown) {
        bump(`shown ${local.entry.status}`);
        continue;
      }
      if (local && (local.entry.status === 'pending' || local.entry.status === 'syncing')) {
        if (heldBehindRejected(local.device.outbox, local.entry)) bump('held behind rejected');
        else {
          counts.stuck += 1;
          note(`stuck: ${l.device} ${l.action} ${changeId} still ${local.entry.status}`);
        }
        continue;
      }
      counts.lost += 1;
      note(`lost: ${l.device} ${l.action} ${changeId} ${row ? `rejected (${row.result?.code}) but shown as ${local?.entry.status ?? 'nothing'}` : `never reached the server, device shows ${local?.entry.status ?? 'nothing'}`}`);
    }
  }

  // ── duplicated: every version of a record made by exactly one logged change ──
  const versions = await pool.query<{ id: string; version: number; made: number; distinct_made: number }>(
    `select r.id::text, r.version,
            count(c.change_id)::int as made, count(distinct (c.result->>'version'))::int as distinct_made
     from records r
     left join sync_changes c on c.record_id = r.id and (
       c.result->>'status' = 'success' or (c.result->>'status' = 'conflict' and c.result->>'resolution' = 'client_wins'))
     group by r.id, r.version`,
  );
  for (const v of versions.rows) {
    const extra = Math.max(0, v.version - v.made) + (v.made - v.distinct_made);
    if (extra > 0) {
      counts.duplicated += extra;
      note(`duplicated: record ${v.id} at version ${v.version} from ${v.made} logged changes (${v.distinct_made} distinct versions)`);
    }
  }

  // A change id is decided once: a second conflict-log entry for it, or one beside a logged
  // success, means it was decided (and maybe applied) again.
  const redecided = await pool.query<{ change_id: string; n: number; status: string | null }>(
    `select k.change_id::text, count(*)::int as n, max(c.result->>'status') as status
     from sync_conflicts k left join sync_changes c on c.change_id = k.change_id
     where k.change_id is not null group by k.change_id
     having count(*) > 1 or max(c.result->>'status') is distinct from 'conflict'`,
  );
  for (const d of redecided.rows) {
    counts.duplicated += 1;
    note(`duplicated: change ${d.change_id} has ${d.n} conflict-log entries, logged as ${d.status ?? 'nothing'}`);
  }

  // ── diverged: each device's synced view against the server's records of its entities ──
  for (const d of devices) {
    const server = await pool.query<{ id: string; version: number; data: unknown; deleted: boolean }>(
      `select r.id::text, r.version, r.data, r.deleted from records r
       join assignments a on a.entity_id = r.entity_id join users u on u.id = a.user_id
       where u.email = $1`,
      [d.email],
    );
    const own = new Set(d.outbox.filter((e) => e.status !== 'completed' && e.status !== 'conflict').map((e) => e.recordId));
    const local = new Map(d.records.map((r) => [r.id, r]));
    const serverIds = new Set<string>();
    for (const s of server.rows) {
      serverIds.add(s.id);
      if (own.has(s.id)) continue;
      const mine = local.get(s.id);
      if (!mine) {
        if (s.deleted) continue; // a tombstone the device never needed
        counts.diverged += 1;
        note(`diverged: ${d.label} lacks ${s.id} (server v${s.version})`);
        continue;
      }
      if (mine.version !== s.version || mine.deleted !== s.deleted || (!s.deleted && canonical(mine.data) !== canonical(s.data))) {
        counts.diverged += 1;
        note(`diverged: ${d.label} shows ${s.id} v${mine.version}${mine.deleted ? ' deleted' : ''}, server v${s.version}${s.deleted ? ' deleted' : ''}`);
      }
    }
    for (const r of d.records) {
      if (r.version > 0 && !serverIds.has(r.id) && !own.has(r.id)) {
        counts.diverged += 1;
        note(`diverged: ${d.label} shows ${r.id} v${r.version}, which the server does not give it`);
      }
    }
  }
  await checkPhotos(pool, media, devices, counts, bump, note);

  const stats = await pool.query<{ records: number; max_version: number; conflicts: number }>(
    `select (select count(*)::int from records) as records, (select coalesce(max(version), 0)::int from records) as max_version,
            (select count(*)::int from sync_conflicts) as conflicts`,
  );
  outcomes['server records'] = stats.rows[0]!.records;
  outcomes['server highest version'] = stats.rows[0]!.max_version;
  outcomes['server conflict-log entries'] = stats.rows[0]!.conflicts;
  return { ...counts, changes: ledger.length, distinctChanges: byChange.size, photos: media.photos.length, outcomes, examples };
}

async function checkPhotos(
  pool: pg.Pool,
  media: PhotoCheckInput,
  devices: readonly DeviceView[],
  counts: Counts,
  bump: (k: string) => void,
  note: (s: string) => void,
): Promise<void> {
  const stored = new Map<string, { sha256: string; size: number; storage_key: string }>();
  const ids = media.photos.map((p) => p.mediaId);
  for (let i = 0; i < ids.length; i += 5_000) {
    const r = await pool.query<{ media_id: string; sha256: string; size: string; storage_key: string }>(
      `select media_id::text, sha256, size::text, storage_key from media_content where media_id = any($1::uuid[])`,
      [ids.slice(i, i + 5_000)],
    );
    for (const row of r.rows) stored.set(row.media_id, { sha256: row.sha256, size: Number(row.size), storage_key: row.storage_key });
  }
  const byDevice = new Map(devices.map((d) => [d.label, d]));
  for (const p of media.photos) {
    const s = stored.get(p.mediaId);
    if (s && s.sha256 === p.sha256 && s.size === p.size) {
      const onDisk = await sha256File(path.join(media.mediaDir, s.storage_key));
      if (onDisk === p.sha256) {
        bump('photo stored');
        continue;
      }
      counts.photosLost += 1;
      note(`photo lost: ${p.device} ${p.mediaId} recorded as stored, but the stored file hashes to ${onDisk ?? 'nothing (missing)'}`);
      continue;
    }
    const d = byDevice.get(p.device);
    const upload = d?.uploads.find((u) => u.id === p.mediaId);
    const create = d?.outbox.find((e) => e.recordId === p.mediaId && e.action === 'create');
    if (create?.status === 'rejected' || (create && heldBehindRejected(d!.outbox, create))) {
      bump(`photo shown rejected (its record${create.status === 'rejected' ? '' : "'s parent"})`);
      continue;
    }
    if (upload?.status === 'rejected' && !/checksum/i.test(upload.reason)) {
      bump('photo shown rejected (its upload)');
      continue;
    }
    counts.photosLost += 1;
    const state = upload ? `${upload.status}${upload.status === 'rejected' ? ` (${upload.reason})` : upload.lastError ? ` (${upload.lastError})` : ''}` : 'no upload row';
    note(`photo lost: ${p.device} ${p.mediaId} ${s ? `stored with sha256 ${s.sha256.slice(0, 12)}…, size ${s.size}` : 'never stored'}; device shows ${state}`);
  }
}
