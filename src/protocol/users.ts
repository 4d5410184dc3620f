// GET /api/v1/sync/users (docs/protocol.md "Names of users"): who may have written the records
// a user sees, by id and name, so a device can say "by Ben Field" instead of an id, offline too.
import { z } from 'zod';
import { IdSchema } from './records';

/** At most this many users are listed, the caller first. */
export const USER_NAMES_MAX = 5000;

export const UserNameSchema = z.object({ id: IdSchema, name: z.string() });
export type UserName = z.infer<typeof UserNameSchema>;

export const UserNamesResponseSchema = z.object({ users: z.array(UserNameSchema).max(USER_NAMES_MAX) });
export type UserNamesResponse = z.infer<typeof UserNamesResponseSchema>;
