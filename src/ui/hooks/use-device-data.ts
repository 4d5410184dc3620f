'use client';
// Live reads of the device database for the screens: entities, the assessments of an entity
// with their sync state, one assessment with its responses, the outbox, and lost edits.
import type { LocalRecord, OutboxEntry } from '@/client';
import type { Entity } from '@/protocol/pull';
import { sameJson } from '../diff';
import { useEngine } from '../engine-context';
import { asAssessment, asResponse } from '../forms';
import { type RecordSyncStatus, statusesByRecord } from '../record-status';
import type { AssessmentRow } from '../screens/assessment-list-screen';
import type { ResponseRow } from '../screens/assessment-detail-screen';
import { useLiveQuery } from './use-live-query';

const newestFirst = (a: LocalRecord, b: LocalRecord) => (a.hlc < b.hlc ? 1 : a.hlc > b.hlc ? -1 : 0);

export function useEntities(): { entities: Entity[]; counts: Map<string, number> } | undefined {
  const engine = useEngine();
  return useLiveQuery(async () => {
    const entities = await engine.listEntities();
    // Counted per entity through the [entityId+type] index: thousands of records stay in IndexedDB.
    const counts = new Map<string, number>();
    for (const e of entities)
      counts.set(e.id, await engine.db.records.where('[entityId+type]').equals([e.id, 'assessment']).filter((r) => !r.deleted).count());
    return { entities, counts };
  }, [engine]);
}

export function useEntity(entityId: string | undefined): Entity | undefined {
  const engine = useEngine();
  return useLiveQuery(async () => (entityId ? engine.db.entities.get(entityId) : undefined), [engine, entityId]);
}

/**
 * Sync states of these records. An edit that lost and was later restored by a coordinator (the
 * record now holds exactly the lost data) no longer counts as lost.
 */
export async function statuses(engine: ReturnType<typeof useEngine>, records: readonly LocalRecord[]): Promise<Map<string, RecordSyncStatus>> {
  const entries = await engine.db.outbox.where('recordId').anyOf(records.map((r) => r.id)).sortBy('seq');
  const result = statusesByRecord(entries.map((e) => ({ recordId: e.recordId, status: e.status, ...(e.status === 'conflict' ? { winner: e.winner } : {}) })));
  for (const r of records) {
    if (result.get(r.id) !== 'lost') continue;
    const lost = entries.filter((e) => e.recordId === r.id).at(-1);
    if (lost && wasRestored(lost, r)) result.set(r.id, 'synced');
  }
  return result;
}

/** The record shows exactly what the lost change wrote (a coordinator restored it). */
export function wasRestored(lost: OutboxEntry, record: LocalRecord): boolean {
  if (lost.action === 'delete') return record.deleted;
  return !record.deleted && sameJson(lost.data, record.data);
}

export function useAssessmentRows(entityId: string): AssessmentRow[] | undefined {
  const engine = useEngine();
  return useLiveQuery(async () => {
    const assessments = (await engine.listRecords({ entityId, type: 'assessment' })).sort(newestFirst);
    const responses = await engine.listRecords({ entityId, type: 'response' });
    const per = new Map<string, number>();
    for (const r of responses) {
      const a = asResponse(r.data).assessmentId;
      per.set(a, (per.get(a) ?? 0) + 1);
    }
    const st = await statuses(engine, assessments);
    return assessments.map((a) => {
      const data = asAssessment(a.data);
      return { id: a.id, title: data.title, answers: data.answers.length, responses: per.get(a.id) ?? 0, status: st.get(a.id) ?? 'synced' };
    });
  }, [engine, entityId]);
}

export interface AssessmentDetail {
  readonly record: LocalRecord | null;
  readonly status: RecordSyncStatus;
  readonly responses: ResponseRow[];
}

export function useAssessmentDetail(id: string): AssessmentDetail | undefined {
  const engine = useEngine();
  return useLiveQuery(async () => {
    const record = (await engine.getRecord(id)) ?? null;
    if (!record || record.deleted) return { record: null, status: 'synced' as const, responses: [] };
    const responses = (await engine.listRecords({ entityId: record.entityId, type: 'response' }))
      .filter((r) => asResponse(r.data).assessmentId === id)
      .sort(newestFirst);
    const st = await statuses(engine, [record, ...responses]);
    return {
      record,
      status: st.get(id) ?? 'synced',
      responses: responses.map((r) => ({ id: r.id, data: asResponse(r.data), status: st.get(r.id) ?? 'synced' })),
    };
  }, [engine, id]);
}

export function useRecord(id: string): LocalRecord | null | undefined {
  const engine = useEngine();
  return useLiveQuery(async () => (await engine.getRecord(id)) ?? null, [engine, id]);
}

export function useOutbox(): { entries: OutboxEntry[]; titles: Map<string, string> } | undefined {
  const engine = useEngine();
  return useLiveQuery(async () => {
    const entries = await engine.listOutbox();
    const records = await engine.db.records.bulkGet([...new Set(entries.map((e) => e.recordId))]);
    const titles = new Map<string, string>();
    for (const r of records) {
      if (!r) continue;
      const title =
        r.type === 'response' ? `response of ${asResponse(r.data).respondent}`
        : r.type === 'media' ? (typeof r.data.fileName === 'string' ? r.data.fileName : 'file')
        : asAssessment(r.data).title || '(untitled)';
      titles.set(r.id, title);
    }
    return { entries, titles };
  }, [engine]);
}

export interface LostEdit {
  readonly entry: OutboxEntry;
  readonly record: LocalRecord | null;
}

/** This device's changes that lost a conflict (kept until the outbox retention prunes them). */
export function useLostEdits(): LostEdit[] | undefined {
  const engine = useEngine();
  return useLiveQuery(async () => {
    const lost = (await engine.db.outbox.where('status').equals('conflict').sortBy('seq')).filter((e) => e.status === 'conflict' && e.winner === 'server');
    const records = await engine.db.records.bulkGet(lost.map((e) => e.recordId));
    return lost.map((entry, i) => ({ entry, record: records[i] ?? null })).reverse();
  }, [engine]);
}
