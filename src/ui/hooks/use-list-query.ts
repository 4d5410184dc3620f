'use client';
// Live reads for the lists that scale: the ids an assessment list shows (read through the
// [entityId+type+hlc] index a page at a time, so no single read blocks the page and only ids
// reach React state), the rows on screen, the forms to filter by, and each site's counts.
import Dexie from 'dexie';
import { useEffect, useRef, useState } from 'react';
import type { FieldsyncDb, LocalRecord, SyncEngine } from '@/client';
import { META, getMeta } from '@/client/db';
import { formsForEntity } from '@/client/forms';
import { currentUserId } from '@/client/token-user';
import { useEngine } from '../engine-context';
import { asAssessment } from '../forms';
import { type Author, type CompactRow, type ListQuery, type RecordSets, authorOf, selectIds, stampTime } from '../lists/list-query';
import { fetchUserNames, readUserNames, saveUserNames } from '../lists/user-names';
import type { RecordSyncStatus } from '../record-status';
import { statuses } from './use-device-data';
import { useLiveQuery } from './use-live-query';
import { useOnline } from './use-online';

/** Records read per IndexedDB request: small enough that each read is a short task. */
const PAGE = 400;
const UNSYNCED = ['pending', 'syncing', 'failed', 'rejected'] as const;

function compact(r: LocalRecord): CompactRow {
  const title = typeof r.data.title === 'string' ? r.data.title : '';
  const formId = typeof r.data.formId === 'string' ? r.data.formId : null;
  return { id: r.id, title, hlc: r.hlc, formId };
}

/** An entity's live assessments as compact rows, in stamp order, read page by page. */
export async function readCompactRows(db: FieldsyncDb, entityId: string, newestFirst: boolean): Promise<CompactRow[]> {
  const out: CompactRow[] = [];
  // Pages by position rather than by last stamp: two records may carry the same stamp.
  for (let offset = 0; ; offset += PAGE) {
    const range = db.records.where('[entityId+type+hlc]').between([entityId, 'assessment', Dexie.minKey], [entityId, 'assessment', Dexie.maxKey]);
    const page = await (newestFirst ? range.reverse() : range).offset(offset).limit(PAGE).toArray();
    for (const r of page) if (!r.deleted) out.push(compact(r));
    if (page.length < PAGE) return out;
  }
}

/** Records with unsynced work, and records whose newest edit lost a conflict (not restored). */
export async function readRecordSets(engine: SyncEngine): Promise<RecordSets> {
  const { db } = engine;
  const unsynced = new Set((await db.outbox.where('status').anyOf([...UNSYNCED]).toArray()).map((e) => e.recordId));
  const lostIds = [...new Set((await db.outbox.where('status').equals('conflict').toArray()).map((e) => e.recordId))];
  const conflict = new Set<string>();
  if (lostIds.length > 0) {
    const records = (await db.records.bulkGet(lostIds)).filter((r): r is LocalRecord => r !== undefined);
    const st = await statuses(engine, records);
    for (const r of records) if (st.get(r.id) === 'lost') conflict.add(r.id);
  }
  return { unsynced, conflict };
}

export interface ListIds {
  readonly ids: readonly string[];
  /** Live assessments of the entity before search and filter: tells "none yet" from "no match". */
  readonly total: number;
}

export function useAssessmentIds(entityId: string, query: ListQuery): ListIds | undefined {
  const engine = useEngine();
  const { search, filter, sort } = query;
  const filterKey = JSON.stringify(filter);
  return useLiveQuery(async () => {
    const rows = await readCompactRows(engine.db, entityId, sort !== 'oldest');
    const sets = filter.kind === 'unsynced' || filter.kind === 'conflict' ? await readRecordSets(engine) : { unsynced: new Set<string>(), conflict: new Set<string>() };
    return { ids: selectIds(rows, { search, filter, sort }, sets), total: rows.length };
  }, [engine, entityId, search, filterKey, sort]);
}

/** Free-form assessments list their answers; assessments from a form keep them by question id. */
function answerCount(answers: unknown): number {
  if (Array.isArray(answers)) return answers.length;
  return typeof answers === 'object' && answers !== null ? Object.keys(answers).length : 0;
}

/** One row as the list draws it. */
export interface ListRow {
  readonly id: string;
  readonly title: string;
  readonly answers: number;
  readonly status: RecordSyncStatus;
  readonly updatedAt: number | null;
  readonly author: Author;
  readonly formTitle: string | null;
}

/** The rows of these ids (the ones on screen), by id; ids no longer on the device are absent. */
export function useListRows(entityId: string, ids: readonly string[]): ReadonlyMap<string, ListRow> | undefined {
  const engine = useEngine();
  const key = ids.join(',');
  return useLiveQuery(async () => {
    const records = (await engine.db.records.bulkGet([...ids])).filter((r): r is LocalRecord => r !== undefined && !r.deleted);
    const st = await statuses(engine, records);
    const me = await currentUserId(engine.db);
    const forms = new Map((await formsForEntity(engine.db, entityId)).map((f) => [f.id, f.title]));
    const names = await readUserNames(engine.db);
    return new Map(
      records.map((r) => {
        const status = st.get(r.id) ?? 'synced';
        const title = asAssessment(r.data).title;
        const formId = typeof r.data.formId === 'string' ? r.data.formId : null;
        const row: ListRow = {
          id: r.id,
          title,
          answers: answerCount(r.data.answers),
          status,
          updatedAt: stampTime(r.hlc),
          author: authorOf(r, status === 'pending' || status === 'rejected', me, names),
          formTitle: formId ? (forms.get(formId) ?? null) : null,
        };
        return [r.id, row];
      }),
    );
  }, [engine, entityId, key]);
}

/**
 * While online, asks the server for the names of the users whose records the lists show: once
 * when the list opens, and again when a row names an author the device has not asked about
 * yet. The names are kept on the device (user-names.ts), where the rows read them.
 */
export function useUserNamesRefresh(unknownAuthors: readonly string[]): void {
  const engine = useEngine();
  const online = useOnline();
  const asked = useRef<Set<string> | null>(null);
  const key = [...new Set(unknownAuthors)].sort().join(',');
  useEffect(() => {
    if (!online) return;
    const ids = key === '' ? [] : key.split(',');
    if (asked.current !== null && ids.every((id) => asked.current?.has(id))) return;
    const seen = asked.current ?? new Set<string>();
    for (const id of ids) seen.add(id);
    asked.current = seen;
    void (async () => {
      const token = await getMeta<string>(engine.db, META.token);
      if (typeof token !== 'string') return;
      const users = await fetchUserNames(token);
      if (users) await saveUserNames(engine.db, users);
    })().catch(() => undefined);
  }, [engine, online, key]);
}

/** The forms an entity's assessments may come from, for the form filter. */
export function useEntityForms(entityId: string): ReadonlyArray<{ readonly id: string; readonly title: string }> | undefined {
  const engine = useEngine();
  return useLiveQuery(async () => (await formsForEntity(engine.db, entityId)).map((f) => ({ id: f.id, title: f.title })), [engine, entityId]);
}

/** Per site: how many records hold work not yet on the server. */
export function useUnsyncedBySite(): ReadonlyMap<string, number> | undefined {
  const engine = useEngine();
  return useLiveQuery(async () => {
    const entries = await engine.db.outbox.where('status').anyOf([...UNSYNCED]).toArray();
    const records = new Map<string, Set<string>>();
    for (const e of entries) {
      const set = records.get(e.entityId) ?? new Set<string>();
      set.add(e.recordId);
      records.set(e.entityId, set);
    }
    return new Map([...records].map(([entityId, set]) => [entityId, set.size]));
  }, [engine]);
}

/** `value`, once it has stayed the same for `ms`. */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return settled;
}

