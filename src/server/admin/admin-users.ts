// Users as the admin lists show them, read in one query: role, active, assigned entities.
// `within` limits both the people listed and the entity ids shown to a set of entities (a
// coordinator's own); undefined means everyone and everything (an admin).
import { type SQL, sql } from 'drizzle-orm';
import type { AdminUser } from '@/protocol/admin';
import type { Role } from '@/protocol/auth';
import type { Database } from '../db/database';
import { rows } from '../db/database';

interface AdminUserRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  active: boolean;
  entity_ids: string[];
}

export interface AdminUsersFilter {
  readonly within?: readonly string[];
  readonly id?: string;
  readonly afterEmail?: string;
  readonly limit: number;
}

export async function readAdminUsers(db: Database['db'], f: AdminUsersFilter): Promise<AdminUser[]> {
  const within = f.within === undefined ? undefined : `{${f.within.join(',')}}`;
  const shared: SQL = within === undefined ? sql`` : sql`and a.entity_id = any(${within}::uuid[])`;
  const found = await rows<AdminUserRow>(
    db,
    sql`select u.id, u.email, u.name, u.role, u.deactivated_at is null as active,
          coalesce((select array_agg(a.entity_id::text order by a.entity_id) from assignments a
                    where a.user_id = u.id ${shared}), '{}'::text[]) as entity_ids
        from users u
        where true
          ${f.id === undefined ? sql`` : sql`and u.id = ${f.id}`}
          ${f.afterEmail === undefined ? sql`` : sql`and u.email > ${f.afterEmail}`}
          ${within === undefined ? sql`` : sql`and exists (select 1 from assignments a where a.user_id = u.id ${shared})`}
        order by u.email
        limit ${f.limit}::int`,
  );
  return found.map((u) => ({ id: u.id, email: u.email, name: u.name, role: u.role, active: u.active, entityIds: u.entity_ids }));
}
