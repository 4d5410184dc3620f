// What the database announces on the channel `fieldsync_events` (the triggers of migration
// 0010_live_events): which entities' records were written, which entities' conflicts changed
// (and who was overwritten), which users' access changed. `'*'` stands for "all", sent when the
// list would not fit in a NOTIFY payload. A payload this server cannot read is ignored: events
// are hints, and the device's next pull catches up.
import { z } from 'zod';

export const EVENTS_CHANNEL = 'fieldsync_events';

const ids = z.union([z.literal('*'), z.array(z.string())]);

const NoticeSchema = z.discriminatedUnion('k', [
  z.object({ k: z.literal('records'), e: ids }),
  z.object({
    k: z.literal('conflicts'),
    e: ids,
    /** Users whose applied write another user's write replaced, and the record. */
    o: z.array(z.object({ u: z.string().nullable(), r: z.string() })),
  }),
  z.object({ k: z.literal('users'), u: ids }),
]);

export type Notice = z.infer<typeof NoticeSchema>;
export type IdSet = z.infer<typeof ids>;

/** The notice of a NOTIFY payload, or null when it is not one. */
export function parseNotice(payload: string): Notice | null {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return null;
  }
  const parsed = NoticeSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** The ids of `mine` that `announced` names (all of them for `'*'`). */
export function named(announced: '*' | readonly string[], mine: readonly string[]): string[] {
  if (announced === '*') return [...mine];
  const set = new Set(announced);
  return mine.filter((id) => set.has(id));
}
