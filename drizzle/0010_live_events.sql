-- Live updates (server/sync/events): every statement that writes records, conflicts,
-- assignments or users announces what it touched on the channel `fieldsync_events`. NOTIFY is
-- delivered at commit, to every server instance listening on the database, and never for a
-- rolled-back write. Done by trigger so that no writer can forget it. A payload over
-- PostgreSQL's 8000-byte limit would fail the write, so a large one says "everything" instead.
-- A NOTIFY makes its transaction's commit take a cluster-wide lock (commits that notify run one
-- at a time): a hot writer sets `fieldsync.notify = after_commit` in its transaction, and these
-- triggers leave the announcing to it, after its commit (server/sync/events/announce.ts).
CREATE FUNCTION fieldsync_notify_records() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE payload text;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM changed) OR current_setting('fieldsync.notify', true) = 'after_commit' THEN RETURN NULL; END IF;
  SELECT json_build_object('k', 'records', 'e', json_agg(DISTINCT entity_id))::text INTO payload FROM changed;
  IF length(payload) > 7000 THEN payload := '{"k":"records","e":"*"}'; END IF;
  PERFORM pg_notify('fieldsync_events', payload);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER records_notify_insert AFTER INSERT ON records
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION fieldsync_notify_records();
--> statement-breakpoint
CREATE TRIGGER records_notify_update AFTER UPDATE ON records
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION fieldsync_notify_records();
--> statement-breakpoint
-- Conflicts: the entities whose open count may have changed, and who was overwritten by another
-- user: the stored writer when a later write won (client_wins), or the replaced writer when a
-- coordinator restored a loser.
CREATE FUNCTION fieldsync_notify_conflicts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE entity_ids json; overwritten json; payload text;
BEGIN
  IF current_setting('fieldsync.notify', true) = 'after_commit' THEN RETURN NULL; END IF;
  SELECT json_agg(DISTINCT entity_id) INTO entity_ids FROM changed;
  IF entity_ids IS NULL THEN RETURN NULL; END IF;
  IF TG_OP = 'INSERT' THEN
    SELECT json_agg(json_build_object('u', loser->>'userId', 'r', record_id)) INTO overwritten FROM changed
      WHERE resolution = 'client_wins' AND loser->>'userId' IS DISTINCT FROM winner->>'userId';
  ELSE
    SELECT json_agg(json_build_object('u', replaced->>'userId', 'r', record_id)) INTO overwritten FROM changed
      WHERE resolved_action = 'restore_loser' AND replaced IS NOT NULL
        AND replaced->>'userId' IS DISTINCT FROM resolved_by::text;
  END IF;
  payload := json_build_object('k', 'conflicts', 'e', entity_ids, 'o', coalesce(overwritten, '[]'::json))::text;
  IF length(payload) > 7000 THEN payload := '{"k":"conflicts","e":"*","o":[]}'; END IF;
  PERFORM pg_notify('fieldsync_events', payload);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER sync_conflicts_notify_insert AFTER INSERT ON sync_conflicts
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION fieldsync_notify_conflicts();
--> statement-breakpoint
CREATE TRIGGER sync_conflicts_notify_update AFTER UPDATE ON sync_conflicts
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION fieldsync_notify_conflicts();
--> statement-breakpoint
-- Users whose assignments, role or standing changed: their open streams re-read who they are.
CREATE FUNCTION fieldsync_notify_users() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE payload text;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM changed) THEN RETURN NULL; END IF;
  IF TG_TABLE_NAME = 'users' THEN
    SELECT json_build_object('k', 'users', 'u', json_agg(DISTINCT id))::text INTO payload FROM changed;
  ELSE
    SELECT json_build_object('k', 'users', 'u', json_agg(DISTINCT user_id))::text INTO payload FROM changed;
  END IF;
  IF length(payload) > 7000 THEN payload := '{"k":"users","u":"*"}'; END IF;
  PERFORM pg_notify('fieldsync_events', payload);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER assignments_notify_insert AFTER INSERT ON assignments
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION fieldsync_notify_users();
--> statement-breakpoint
CREATE TRIGGER assignments_notify_delete AFTER DELETE ON assignments
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION fieldsync_notify_users();
--> statement-breakpoint
CREATE TRIGGER users_notify_update AFTER UPDATE ON users
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION fieldsync_notify_users();
