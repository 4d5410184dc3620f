// GET /api/v1/health/live (no auth): liveness. 200 while the process can answer at all, without
// touching the database, so an orchestrator restarts a process that is stuck, never one whose
// database is down (that is readiness, GET /api/v1/health, which takes it out of rotation).
import { json } from '../http/respond';

export function live(): Promise<Response> {
  return Promise.resolve(json(200, { status: 'ok' }));
}
