// Words and times as the screens show them. Pure.
import type { SyncStatus } from '@/core/outbox-state';

/** "1 change", "3 changes". */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function timeAgo(then: number, now: number): string {
  const s = Math.max(0, Math.round((now - then) / 1000));
  if (s < 10) return 'just now';
  if (s < 60) return `${s} s ago`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 24) return `${h} h ago`;
  return new Date(then).toLocaleDateString();
}

export function timeUntil(when: number, now: number): string {
  const s = Math.max(0, Math.ceil((when - now) / 1000));
  if (s < 60) return `${s} s`;
  return `${Math.ceil(s / 60)} min`;
}

export function clockTime(t: number): string {
  return new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export const STATUS_LABEL: Record<SyncStatus, string> = {
  pending: 'waiting',
  syncing: 'sending',
  completed: 'synced',
  conflict: 'conflict',
  failed: 'will retry',
  rejected: 'rejected',
};

export const ACTION_LABEL = { create: 'New', update: 'Edit', delete: 'Delete' } as const;

/** The wall-clock time of a hybrid logical clock stamp, in the user's locale. */
export function hlcTime(hlc: string): string {
  const t = Date.parse(hlc.slice(0, 24));
  return Number.isNaN(t) ? hlc : new Date(t).toLocaleString([], { dateStyle: 'medium', timeStyle: 'medium' });
}
