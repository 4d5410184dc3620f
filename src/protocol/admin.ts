// Admin endpoints (role admin): users, entities, assignments.
import { z } from 'zod';
import { EmailSchema, RoleSchema } from './auth';
import { IdSchema } from './records';

export const CreateUserRequestSchema = z.strictObject({
  email: EmailSchema,
  name: z.string().trim().min(1).max(200),
  role: RoleSchema,
  password: z.string().min(8).max(1024),
});
export type CreateUserRequest = z.infer<typeof CreateUserRequestSchema>;

export const CreateEntityRequestSchema = z.strictObject({
  id: IdSchema.optional(),
  name: z.string().trim().min(1).max(200),
  kind: z.string().trim().min(1).max(100),
});
export type CreateEntityRequest = z.infer<typeof CreateEntityRequestSchema>;

export const AssignmentsRequestSchema = z.strictObject({
  entityIds: z.array(IdSchema).max(10_000),
});
export type AssignmentsRequest = z.infer<typeof AssignmentsRequestSchema>;
