// What the conflict review does when resolving a conflict fails. Pure: the view carries it out
// and words it (the server's own reason is shown as it came).
//   sign-in      401: the session is over; the app asks for a new sign-in
//   taken        409 ALREADY_RESOLVED: someone resolved it first; the list is loaded again
//   refused      any other answer of the server's to the request (a 4xx): this action cannot be
//                done on this conflict (its assessment was deleted, the entity is no longer
//                the reviewer's, the record changed since a restore); the list stays, the
//                conflict says why, its other action stays
//   unreachable  no answer, a failure of the server's (5xx) or a busy server (408, 429):
//                nothing was resolved; the list stays and the reviewer can try again
// Nothing the server refuses hides the rest of the list: a coordinator may have dozens to review.
import type { ResolveRequest } from '@/protocol/conflicts';

export type ResolveRequestAction = ResolveRequest['action'];

export type ResolveFailure =
  | { readonly kind: 'sign-in' }
  | { readonly kind: 'taken' }
  /** `reason`: the server's message as a sentence; null when it gave none. */
  | { readonly kind: 'refused'; readonly action: ResolveRequestAction; readonly reason: string | null }
  | { readonly kind: 'unreachable'; readonly busy: boolean };

/** What a failed call of the conflicts API said: its HTTP status (null: no answer) and error code. */
export interface FailedCall {
  readonly status: number | null;
  readonly code: string | null;
  readonly message: string;
}

export function resolveFailure(failed: FailedCall, action: ResolveRequestAction): ResolveFailure {
  if (failed.status === 401) return { kind: 'sign-in' };
  if (failed.code === 'ALREADY_RESOLVED') return { kind: 'taken' };
  if (failed.status === 408 || failed.status === 429) return { kind: 'unreachable', busy: true };
  if (failed.status !== null && failed.status >= 400 && failed.status < 500) return { kind: 'refused', action, reason: sentence(failed.message) };
  return { kind: 'unreachable', busy: failed.status === 503 };
}

/** A server message ("the loser cannot be restored: …") as a sentence, or null when empty. */
function sentence(message: string): string | null {
  const text = message.trim();
  if (!text) return null;
  const capital = text[0]!.toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
