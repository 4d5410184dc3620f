// The demo data of README "Demo logins": four users, three entities and two forms, so a newcomer can
// log in at once. Idempotent: running it again changes nothing.
import { eq, sql } from 'drizzle-orm';
import type { Role } from '@/protocol/auth';
import { hashPassword } from '../auth/password';
import type { Db } from '../db/database';
import { assignments, entities, forms, users } from '../db/schema';
import { DEMO_FORMS } from '../forms/demo-forms';

export const DEMO_PASSWORD = 'fieldsync-demo';

export const DEMO_ENTITIES = {
  campNorth: { id: '0193a000-0000-7000-8000-00000000c001', name: 'Camp North', kind: 'camp' },
  campSouth: { id: '0193a000-0000-7000-8000-00000000c002', name: 'Camp South', kind: 'camp' },
  riverside: { id: '0193a000-0000-7000-8000-00000000c003', name: 'Riverside Clinic', kind: 'clinic' },
} as const;

const E = DEMO_ENTITIES;
export const DEMO_USERS: ReadonlyArray<{ email: string; name: string; role: Role; entityIds: string[] }> = [
  { email: 'ana@demo.fieldsync', name: 'Ana Field', role: 'field_worker', entityIds: [E.campNorth.id, E.campSouth.id] },
  { email: 'ben@demo.fieldsync', name: 'Ben Field', role: 'field_worker', entityIds: [E.campSouth.id, E.riverside.id] },
  { email: 'cora@demo.fieldsync', name: 'Cora Coordinator', role: 'coordinator', entityIds: [E.campNorth.id, E.campSouth.id, E.riverside.id] },
  { email: 'admin@demo.fieldsync', name: 'Admin', role: 'admin', entityIds: [] },
];

export async function seedDemo(db: Db): Promise<void> {
  const hash = await hashPassword(DEMO_PASSWORD);
  await db.transaction(async (tx) => {
    await tx.insert(entities).values(Object.values(DEMO_ENTITIES).map((e) => ({ ...e }))).onConflictDoNothing();
    for (const u of DEMO_USERS) {
      await tx.insert(users).values({ email: u.email, name: u.name, role: u.role, passwordHash: hash }).onConflictDoNothing();
      if (u.entityIds.length === 0) continue;
      const [row] = await tx.select({ id: users.id }).from(users).where(eq(users.email, u.email));
      if (!row) throw new Error(`demo user ${u.email} missing`);
      await tx
        .insert(assignments)
        .values(u.entityIds.map((entityId) => ({ userId: row.id, entityId })))
        .onConflictDoNothing();
    }
    // The demo forms, published by the admin as version 1.
    const [admin] = await tx.select({ id: users.id }).from(users).where(eq(users.email, 'admin@demo.fieldsync'));
    if (!admin) throw new Error('demo admin missing');
    await tx
      .insert(forms)
      .values(DEMO_FORMS.map((f) => ({ id: f.id, version: 1, title: f.title, entityIds: f.entityIds, definition: f.definition, publishedBy: admin.id })))
      .onConflictDoNothing();
  });
}

/** Whether any user exists yet: the embedded database seeds demo data only when it is new. */
export async function isEmpty(db: Db): Promise<boolean> {
  const r = await db.select({ n: sql<number>`count(*)::int` }).from(users);
  return (r[0]?.n ?? 0) === 0;
}
