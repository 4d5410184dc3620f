// Identity: roles, users, login (docs/protocol.md "Identity and access").
import { z } from 'zod';
import { wellFormedString } from './well-formed';

export const ROLES = ['field_worker', 'coordinator', 'admin'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

export const UserSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: RoleSchema,
});
export type User = z.infer<typeof UserSchema>;

export const EmailSchema = wellFormedString().trim().toLowerCase().pipe(z.email().max(254));

export const LoginRequestSchema = z.strictObject({
  email: wellFormedString().trim().toLowerCase().min(1).max(254),
  password: wellFormedString().min(1).max(1024),
});
export type LoginRequest = z.infer<typeof LoginRequestSchema>;

/**
 * The header a device sends its device token in on later logins: failed attempts from a known
 * device count against that device's own budget, not the account lockout strangers hit.
 */
export const DEVICE_TOKEN_HEADER = 'X-Fieldsync-Device-Token';

export const LoginResponseSchema = z.object({
  token: z.string(),
  expiresAt: z.string(),
  user: UserSchema,
  /** Proof that this device once logged in to this account; kept by the device and sent in DEVICE_TOKEN_HEADER. */
  deviceToken: z.string().optional(),
});
export type LoginResponse = z.infer<typeof LoginResponseSchema>;
