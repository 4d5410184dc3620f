-- A record's content at a version never changes: every update must move the version on. The
-- push's start guess relies on it (a record known at version V is the stored one while the
-- stored version is V: src/server/sync/push/recent-records.ts), so it is enforced here, for
-- every writer, in the trigger every record write already runs.
CREATE OR REPLACE FUNCTION records_feed_position() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.version <= OLD.version THEN
    RAISE EXCEPTION 'record % updated without a new version (% after %)', NEW.id, NEW.version, OLD.version
      USING ERRCODE = 'check_violation';
  END IF;
  NEW.txid := pg_current_xact_id();
  NEW.seq := nextval('records_seq');
  NEW.updated_at := now();
  RETURN NEW;
END $$;
