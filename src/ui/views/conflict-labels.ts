// How the conflict screens name a user and a record.
import { asAssessment } from '../forms';
import type { Session } from '../session';

export function who(userId: string, session: Session): string {
  return userId === session.user.id ? 'you' : `user ${userId.slice(0, 8)}`;
}

export function titleOf(data: Record<string, unknown>, fallback: string): string {
  return asAssessment(data).title || fallback;
}
