// The server's tables (README "How it works"). Migrations in drizzle/ are generated from this file
// by drizzle-kit; the feed trigger and its sequence live in a custom migration.
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgSequence,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

/** PostgreSQL's 64-bit transaction id; orders the pull feed. Read as a decimal string. */
export const xid8 = customType<{ data: string; driverData: string }>({
  dataType: () => 'xid8',
});

/** Row order of the pull feed within one transaction. */
export const recordsSeq = pgSequence('records_seq');

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull().unique(),
    name: text('name').notNull(),
    role: text('role', { enum: ['field_worker', 'coordinator', 'admin'] }).notNull(),
    passwordHash: text('password_hash').notNull(),
    createdAt: createdAt(),
    /** Set when an admin deactivates the user: their tokens and their password stop working. */
    deactivatedAt: timestamp('deactivated_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [check('users_role_check', sql`${t.role} in ('field_worker', 'coordinator', 'admin')`)],
);

export const entities = pgTable('entities', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  kind: text('kind').notNull(),
  createdAt: createdAt(),
  /** Transaction that last wrote the entity (set by trigger): tells pull that a name changed. */
  txid: xid8('txid').notNull().default(sql`pg_current_xact_id()`),
});

export const assignments = pgTable(
  'assignments',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    entityId: uuid('entity_id')
      .notNull()
      .references(() => entities.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.entityId] }), index('assignments_entity_idx').on(t.entityId)],
);

/**
 * Every assignment removed, by the transaction that removed it (written by a trigger on
 * assignments): a pull whose cursor knows the old set only by hash lists these, not every entity.
 * No foreign keys: a row outlives the user or entity it names.
 */
export const assignmentRemovals = pgTable(
  'assignment_removals',
  {
    userId: uuid('user_id').notNull(),
    entityId: uuid('entity_id').notNull(),
    txid: xid8('txid').notNull().default(sql`pg_current_xact_id()`),
  },
  (t) => [index('assignment_removals_user_idx').on(t.userId, t.txid)],
);

export const records = pgTable(
  'records',
  {
    id: uuid('id').primaryKey(),
    type: text('type', { enum: ['assessment', 'response', 'media'] }).notNull(),
    entityId: uuid('entity_id')
      .notNull()
      .references(() => entities.id),
    version: integer('version').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    deleted: boolean('deleted').notNull().default(false),
    hlc: text('hlc').notNull(),
    updatedBy: uuid('updated_by').notNull(),
    deviceId: text('device_id').notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** Pull feed position: writing transaction, then row order within it (both set by trigger). */
    txid: xid8('txid').notNull().default(sql`pg_current_xact_id()`),
    seq: bigint('seq', { mode: 'number' }).notNull().default(sql`nextval('records_seq')`),
  },
  (t) => [
    index('records_feed_idx').on(t.txid, t.seq),
    index('records_entity_feed_idx').on(t.entityId, t.txid, t.seq),
    check('records_type_check', sql`${t.type} in ('assessment', 'response', 'media')`),
    check('records_version_check', sql`${t.version} > 0`),
  ],
);

/** The idempotency log: every change id seen, with the result given for it. */
export const syncChanges = pgTable(
  'sync_changes',
  {
    changeId: uuid('change_id').primaryKey(),
    userId: uuid('user_id').notNull(),
    deviceId: text('device_id').notNull(),
    recordId: uuid('record_id'),
    /** The stamp as sent, before any clamp. */
    originalHlc: text('original_hlc'),
    result: jsonb('result').$type<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
  (t) => [index('sync_changes_user_idx').on(t.userId, t.createdAt)],
);

/** Both sides of every conflict, in full. */
export const syncConflicts = pgTable(
  'sync_conflicts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    changeId: uuid('change_id'),
    recordId: uuid('record_id').notNull(),
    entityId: uuid('entity_id').notNull(),
    type: text('type', { enum: ['assessment', 'response', 'media'] }).notNull(),
    resolution: text('resolution', { enum: ['client_wins', 'server_wins'] }).notNull(),
    winner: jsonb('winner').$type<Record<string, unknown>>().notNull(),
    loser: jsonb('loser').$type<Record<string, unknown>>().notNull(),
    clampedFrom: text('clamped_from'),
    /** The record version a restore_loser replaced, in the same shape as winner and loser. */
    replaced: jsonb('replaced').$type<Record<string, unknown>>(),
    status: text('status', { enum: ['open', 'resolved'] }).notNull().default('open'),
    createdAt: createdAt(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true, mode: 'date' }),
    resolvedBy: uuid('resolved_by'),
    resolvedAction: text('resolved_action', { enum: ['accept', 'restore_loser'] }),
  },
  (t) => [
    index('sync_conflicts_entity_idx').on(t.entityId, t.status, t.createdAt),
    index('sync_conflicts_record_idx').on(t.recordId),
    // The open conflicts in which another user's write replaced this user's (sync-status.ts).
    index('sync_conflicts_overwritten_idx')
      .on(sql`(${t.loser}->>'userId')`)
      .where(sql`status = 'open' and resolution = 'client_wins'`),
  ],
);

/**
 * Last pull per user, for GET /sync/status. The last push is the user's newest entry in
 * sync_changes: a row here written by every push made a user's devices wait for each other.
 */
export const syncActivity = pgTable('sync_activity', {
  userId: uuid('user_id').primaryKey(),
  lastPullAt: timestamp('last_pull_at', { withTimezone: true, mode: 'date' }),
});

/** Server settings kept with the database, e.g. the generated JWT secret. */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/**
 * Rate-limit state when the server runs on PostgreSQL (server/limits/postgres-store.ts): per key,
 * the GCRA's theoretical arrival time in microseconds since the epoch. Rows whose time has passed
 * hold nothing and are deleted now and then.
 */
export const rateLimits = pgTable('rate_limits', {
  key: text('key').primaryKey(),
  tat: bigint('tat', { mode: 'number' }).notNull(),
});

/**
 * Media uploads in progress or done (server/media): which media record and which user an upload
 * id belongs to, when its bytes expire, and a lease that lets one request at a time write it,
 * whichever instance it reaches.
 */
export const mediaUploads = pgTable(
  'media_uploads',
  {
    id: text('id').primaryKey(),
    mediaId: uuid('media_id').notNull(),
    userId: uuid('user_id').notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    completedAt: timestamp('completed_at', { withTimezone: true, mode: 'date' }),
    lockToken: text('lock_token'),
    lockedUntil: timestamp('locked_until', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('media_uploads_media_idx').on(t.mediaId), index('media_uploads_expiry_idx').on(t.expiresAt)],
);

/** Media content stored and verified against its record's sha256: one row per media record. */
export const mediaContent = pgTable('media_content', {
  mediaId: uuid('media_id').primaryKey(),
  size: bigint('size', { mode: 'number' }).notNull(),
  sha256: text('sha256').notNull(),
  contentType: text('content_type').notNull(),
  /** The key the content store keeps the bytes under (the upload id). */
  storageKey: text('storage_key').notNull(),
  storedAt: timestamp('stored_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

/**
 * Published form versions (questionnaires, docs/protocol.md "Forms"): immutable once written, so
 * a device that filled version n can always be checked against it. `entity_ids` null: usable
 * in every entity.
 */
export const forms = pgTable(
  'forms',
  {
    id: uuid('id').notNull(),
    version: integer('version').notNull(),
    title: text('title').notNull(),
    entityIds: uuid('entity_ids').array(),
    definition: jsonb('definition').notNull(),
    publishedBy: uuid('published_by')
      .notNull()
      .references(() => users.id),
    publishedAt: timestamp('published_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.id, t.version] }), check('forms_version_check', sql`${t.version} >= 1`)],
);
