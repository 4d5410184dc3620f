// PostgreSQL text cannot hold U+0000: an insert carrying one fails (22021) and would answer 500.
// JSON allows it ("\u0000"), so the admin handlers refuse it up front as 400 VALIDATION.
import { validation } from '../http/api-error';

export function refuseNul(fields: Record<string, string | undefined>): void {
  const bad = Object.entries(fields)
    .filter(([, v]) => v?.includes('\u0000'))
    .map(([path]) => ({ path, message: 'contains a NUL character' }));
  if (bad.length > 0) throw validation('the request does not match the protocol', bad);
}
