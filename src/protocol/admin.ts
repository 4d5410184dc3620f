// Admin endpoints: users, entities, assignments. Changes need the role admin; the lists are
// also open to coordinators, who see the people and sites of their own entities, read-only.
import { z } from 'zod';
import { EmailSchema, RoleSchema, UserSchema } from './auth';
import { EntitySchema } from './pull';
import { IdSchema } from './records';
import { wellFormedString } from './well-formed';

export const CreateUserRequestSchema = z.strictObject({
  email: EmailSchema,
  name: wellFormedString().trim().min(1).max(200),
  role: RoleSchema,
  password: wellFormedString().min(8).max(1024),
});
export type CreateUserRequest = z.infer<typeof CreateUserRequestSchema>;

export const CreateEntityRequestSchema = z.strictObject({
  id: IdSchema.optional(),
  name: wellFormedString().trim().min(1).max(200),
  kind: wellFormedString().trim().min(1).max(100),
});
export type CreateEntityRequest = z.infer<typeof CreateEntityRequestSchema>;

export const AssignmentsRequestSchema = z.strictObject({
  entityIds: z.array(IdSchema).max(10_000),
});
export type AssignmentsRequest = z.infer<typeof AssignmentsRequestSchema>;

export const CreateUserResponseSchema = z.object({ user: UserSchema });
export const CreateEntityResponseSchema = z.object({ entity: EntitySchema });
export const AssignmentsResponseSchema = z.object({ entityIds: z.array(IdSchema) });

/** A user as the admin lists show them: active or not, and the entities assigned to them. */
export const AdminUserSchema = UserSchema.extend({
  active: z.boolean(),
  /** Assigned entities (for a coordinator's list, only those the coordinator shares). */
  entityIds: z.array(IdSchema),
});
export type AdminUser = z.infer<typeof AdminUserSchema>;

export const ADMIN_PAGE_MAX = 1000;
export const ADMIN_PAGE_DEFAULT = 200;

/** `after`: the last item of the previous page (an email for users, an entity id for entities). */
export const AdminListQuerySchema = z.object({
  after: z.string().min(1).max(254).optional(),
  limit: z.coerce.number().int().min(1).max(ADMIN_PAGE_MAX).default(ADMIN_PAGE_DEFAULT),
});
export type AdminListQuery = z.infer<typeof AdminListQuerySchema>;

export const AdminUsersResponseSchema = z.object({
  users: z.array(AdminUserSchema),
  /** Pass as `after` for the next page; absent on the last page. */
  next: z.string().optional(),
});
export type AdminUsersResponse = z.infer<typeof AdminUsersResponseSchema>;

export const AdminEntitiesResponseSchema = z.object({
  entities: z.array(EntitySchema),
  next: z.string().optional(),
});
export type AdminEntitiesResponse = z.infer<typeof AdminEntitiesResponseSchema>;

/** PATCH /admin/users/{id}: any of these, at least one. `password` resets it. */
export const UpdateUserRequestSchema = z
  .strictObject({
    name: wellFormedString().trim().min(1).max(200).optional(),
    role: RoleSchema.optional(),
    active: z.boolean().optional(),
    password: wellFormedString().min(8).max(1024).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'give at least one of name, role, active, password');
export type UpdateUserRequest = z.infer<typeof UpdateUserRequestSchema>;

export const UpdateUserResponseSchema = z.object({ user: AdminUserSchema });

export const RenameEntityRequestSchema = z.strictObject({
  name: wellFormedString().trim().min(1).max(200),
});
export type RenameEntityRequest = z.infer<typeof RenameEntityRequestSchema>;
