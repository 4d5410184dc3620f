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

// ── In the user's language, through Intl ────────────────────────────────────────────────────
// The functions above speak English; screens being translated use these, with i18n.language.

/** "just now", "5 min ago", "il y a 5 min", "قبل 5 دقائق"; a date after a day. */
export function timeAgoIn(lang: string, then: number, now: number): string {
  const rtf = new Intl.RelativeTimeFormat(lang, { numeric: 'auto', style: 'short' });
  const s = Math.max(0, Math.round((now - then) / 1000));
  if (s < 10) return rtf.format(0, 'second');
  if (s < 60) return rtf.format(-s, 'second');
  const m = Math.round(s / 60);
  if (m < 60) return rtf.format(-m, 'minute');
  const h = Math.round(m / 60);
  if (h < 24) return rtf.format(-h, 'hour');
  return new Date(then).toLocaleDateString(lang);
}

/** A wait as "45 s" or "3 min", in the language's units. */
export function timeUntilIn(lang: string, when: number, now: number): string {
  const s = Math.max(0, Math.ceil((when - now) / 1000));
  const unit = (u: 'second' | 'minute', n: number) => new Intl.NumberFormat(lang, { style: 'unit', unit: u, unitDisplay: 'short' }).format(n);
  return s < 60 ? unit('second', s) : unit('minute', Math.ceil(s / 60));
}

export function clockTimeIn(lang: string, t: number): string {
  return new Date(t).toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** The wall-clock time of a hybrid logical clock stamp, in the given language. */
export function hlcTimeIn(lang: string, hlc: string): string {
  const t = Date.parse(hlc.slice(0, 24));
  return Number.isNaN(t) ? hlc : new Date(t).toLocaleString(lang, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** A number as the language writes it (digits, grouping). */
export function numberIn(lang: string, n: number): string {
  return new Intl.NumberFormat(lang).format(n);
}

/** The key in the `common` namespace of an outbox status: t(STATUS_KEY[s]). */
export const STATUS_KEY = {
  pending: 'status.pending',
  syncing: 'status.syncing',
  completed: 'status.completed',
  conflict: 'status.conflict',
  failed: 'status.failed',
  rejected: 'status.rejected',
} as const satisfies Record<SyncStatus, `status.${SyncStatus}`>;

/** The key in the `common` namespace of an outbox action: t(ACTION_KEY[a]). */
export const ACTION_KEY = { create: 'action.create', update: 'action.update', delete: 'action.delete' } as const;
