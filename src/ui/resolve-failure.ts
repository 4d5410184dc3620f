// What the conflict review does when resolving a conflict fails. Pure: the view carries it out.
//   sign-in      401: the session is over; the app asks for a new sign-in
//   taken        409 ALREADY_RESOLVED: someone resolved it first; the list is loaded again
//   refused      any other answer of the server's to the request (a 4xx): this action cannot be
//                done on this conflict (its assessment was deleted, the entity is no longer
//                the reviewer's); the list stays, the conflict says why, its other action stays
//   unreachable  no answer, a failure of the server's (5xx) or a busy server (408, 429):
//                nothing was resolved; the list stays and the reviewer can try again
// Nothing the server refuses hides the rest of the list: a coordinator may have dozens to review.
import type { ResolveAction } from '@/protocol/conflicts';

export type ResolveFailure =
  | { readonly kind: 'sign-in' }
  | { readonly kind: 'taken'; readonly message: string }
  | { readonly kind: 'refused'; readonly action: ResolveAction; readonly message: string }
  | { readonly kind: 'unreachable'; readonly message: string };

/** What a failed call of the conflicts API said: its HTTP status (null: no answer) and error code. */
export interface FailedCall {
  readonly status: number | null;
  readonly code: string | null;
  readonly message: string;
}

export function resolveFailure(failed: FailedCall, action: ResolveAction): ResolveFailure {
  if (failed.status === 401) return { kind: 'sign-in' };
  if (failed.code === 'ALREADY_RESOLVED') return { kind: 'taken', message: 'Someone already resolved this conflict' };
  if (failed.status === 408 || failed.status === 429) return { kind: 'unreachable', message: 'The server is busy; nothing was resolved. Try again in a moment.' };
  if (failed.status !== null && failed.status >= 400 && failed.status < 500) {
    const why = sentence(failed.message);
    return { kind: 'refused', action, message: action === 'restore_loser' ? `${why} You can accept the winning version.` : why };
  }
  return { kind: 'unreachable', message: 'The server could not be reached; nothing was resolved. Try again.' };
}

/** A server message ("the loser cannot be restored: …") as a sentence. */
function sentence(message: string): string {
  const text = message.trim() || 'The server refused this.';
  const capital = text[0]!.toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
