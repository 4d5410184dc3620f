// POST /api/v1/admin/users {email, name, role, password} → 201 {user}. An email already
// taken → 409 CONFLICT (checked first, and again by the unique index for concurrent requests).
import { eq } from 'drizzle-orm';
import { CreateUserRequestSchema } from '@/protocol/admin';
import type { User } from '@/protocol/auth';
import { MAX_SMALL_BODY_BYTES } from '@/protocol/limits';
import type { ServerContext } from '../context';
import { hashPassword } from '../auth/password';
import { users } from '../db/schema';
import { conflict } from '../http/api-error';
import { parseWith, readJson } from '../http/read-json';
import { json } from '../http/respond';
import { requireAdmin } from './require-admin';
import { refuseNul } from './refuse-nul';
import { isUniqueViolation } from './unique-violation';

export async function createUser(ctx: ServerContext, request: Request): Promise<Response> {
  const admin = await requireAdmin(ctx, request);
  const body = parseWith(CreateUserRequestSchema, await readJson(request, MAX_SMALL_BODY_BYTES));
  refuseNul({ email: body.email, name: body.name });
  const db = ctx.database.db;
  const taken = () => conflict(`the email ${body.email} is already taken`);
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.email, body.email));
  if (existing) throw taken();
  const passwordHash = await hashPassword(body.password);
  let row: User | undefined;
  try {
    [row] = await db
      .insert(users)
      .values({ email: body.email, name: body.name, role: body.role, passwordHash })
      .returning({ id: users.id, email: users.email, name: users.name, role: users.role });
  } catch (e) {
    if (isUniqueViolation(e)) throw taken();
    throw e;
  }
  if (!row) throw new Error('insert returned no user');
  ctx.log.info({ by: admin.id, userId: row.id, role: row.role }, 'user created');
  return json(201, { user: row });
}
