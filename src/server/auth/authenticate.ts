// Who is calling: verifies the bearer token, then reads the user and the entities they may
// see from the database on every request, so role and assignment changes apply at once.
import { type SQL, sql } from 'drizzle-orm';
import type { Role } from '@/protocol/auth';
import type { ServerContext } from '../context';
import { rows } from '../db/database';
import { forbidden, unauthenticated } from '../http/api-error';
import { InvalidTokenError, verifyToken } from './jwt';

export interface Caller {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: Role;
  /** Entities this caller may read and write: assigned ones, or every entity for an admin. */
  readonly entityIds: readonly string[];
}

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function authenticate(ctx: ServerContext, request: Request): Promise<Caller> {
  return loadCaller(ctx, await verifyBearer(ctx, request));
}

/** The user id of a valid bearer token (401 otherwise), without reading the database. */
export async function verifyBearer(ctx: ServerContext, request: Request): Promise<string> {
  const header = request.headers.get('authorization') ?? '';
  const m = BEARER.exec(header.trim());
  if (!m) throw unauthenticated();
  let userId: string;
  try {
    userId = await verifyToken(ctx.tokens, m[1]!, ctx.clock.now());
  } catch (e) {
    if (e instanceof InvalidTokenError) throw unauthenticated('the token is invalid or expired');
    throw e;
  }
  // A real UUID only: the query casts it, and a signed `sub` of 36 dashes must be 401, not 500.
  if (!UUID.test(userId)) throw unauthenticated('the token is invalid or expired');
  return userId;
}

/** The caller with that user id as the database has them now (401 when there is none). */
export async function loadCaller(ctx: ServerContext, userId: string): Promise<Caller> {
  const [user] = await rows<CallerRow>(ctx.database.db, callerQuery(userId));
  return toCaller(user);
}

export interface CallerRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  entity_ids: string[] | null;
}

/** The user and the entities they may see, as one row (none for an unknown or deactivated user). */
export function callerQuery(userId: string): SQL {
  return sql`select u.id, u.email, u.name, u.role,
          case when u.role = 'admin' then (select array_agg(e.id order by e.id) from entities e)
               else (select array_agg(a.entity_id order by a.entity_id) from assignments a where a.user_id = u.id)
          end as entity_ids
        from users u where u.id = ${userId} and u.deactivated_at is null`;
}

/** The caller of a loaded row; 401 when there was none. */
export function toCaller(user: CallerRow | null | undefined): Caller {
  if (!user) throw unauthenticated('the token is invalid or expired');
  return { id: user.id, email: user.email, name: user.name, role: user.role, entityIds: user.entity_ids ?? [] };
}

export function requireRole(caller: Caller, ...roles: Role[]): void {
  if (!roles.includes(caller.role)) throw forbidden(`this needs the role ${roles.join(' or ')}`);
}
