// A question's show-if as the form editor holds and edits it. A condition on a choice question
// keeps every value the coordinator ticked: one value is written as `equals`, several as `in`
// (shown when the answer is any of them), so a published `in` survives being opened and
// published again. Pure.
import type { ShowIf } from '@/protocol/forms';

/** Show the question when an earlier one is one of the chosen values, or is answered. */
export type EditorShowIf =
  | { readonly questionId: string; readonly equals: string }
  | { readonly questionId: string; readonly in: readonly string[] }
  | { readonly questionId: string; readonly answered: true };

/** The earlier question a show-if may name, as far as its condition needs it. */
export interface ShowIfTarget {
  readonly id: string;
  readonly type: string;
  readonly choices: ReadonlyArray<{ readonly value: string }>;
}

const isChoice = (t: ShowIfTarget) => t.type === 'single_choice' || t.type === 'multiple_choice';

/** A published condition as the editor holds it, with all of its values. */
export function showIfFromProtocol(s: ShowIf | undefined): EditorShowIf | null {
  if (!s) return null;
  if (s.answered !== undefined) return { questionId: s.questionId, answered: true };
  if (s.in !== undefined) return withValues(s.questionId, s.in.map(String));
  return { questionId: s.questionId, equals: String(s.equals ?? '') };
}

/** The values a condition compares with; none for "is answered". */
export function showIfValues(s: EditorShowIf | null): readonly string[] {
  if (!s) return [];
  if ('in' in s) return s.in;
  if ('equals' in s) return [s.equals];
  return [];
}

/** One value as `equals`, several as `in`, duplicates dropped. */
function withValues(questionId: string, values: readonly string[]): EditorShowIf {
  const unique = [...new Set(values)];
  return unique.length === 1 ? { questionId, equals: unique[0]! } : { questionId, in: unique };
}

/** The condition a newly named question starts with: its first choice, or "is answered". */
export function showIfFor(target: ShowIfTarget | undefined): EditorShowIf | null {
  if (!target) return null;
  const first = target.choices[0];
  return isChoice(target) && first ? { questionId: target.id, equals: first.value } : { questionId: target.id, answered: true };
}

/**
 * The condition with `value` ticked or unticked, in the target's choice order. Unticking the
 * only value left changes nothing: a condition on a choice needs at least one value.
 */
export function toggleShowIfValue(s: EditorShowIf, target: ShowIfTarget, value: string, on: boolean): EditorShowIf {
  const current = new Set(showIfValues(s));
  if (on) current.add(value);
  else if (current.size > 1) current.delete(value);
  const order = target.choices.map((c) => c.value);
  // Values no longer among the choices stay at the end, so the editor can name them as a problem.
  const ordered = [...order.filter((v) => current.has(v)), ...[...current].filter((v) => !order.includes(v))];
  return withValues(target.id, ordered);
}
