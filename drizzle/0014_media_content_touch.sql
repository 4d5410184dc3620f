-- Media content stored (server/media) is not part of its record, but other devices must learn
-- that it arrived: the record goes to the end of the pull feed again at the same version, as a
-- "touch" that leaves every column as it was, and pull then carries contentAvailable: true.
-- An update that changes anything of a record still has to move its version on.
CREATE OR REPLACE FUNCTION records_feed_position() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.version <= OLD.version
     AND (NEW.version <> OLD.version
          OR (NEW.type, NEW.entity_id, NEW.data, NEW.deleted, NEW.hlc, NEW.updated_by, NEW.device_id)
             IS DISTINCT FROM (OLD.type, OLD.entity_id, OLD.data, OLD.deleted, OLD.hlc, OLD.updated_by, OLD.device_id)) THEN
    RAISE EXCEPTION 'record % updated without a new version (% after %)', NEW.id, NEW.version, OLD.version
      USING ERRCODE = 'check_violation';
  END IF;
  NEW.txid := pg_current_xact_id();
  NEW.seq := nextval('records_seq');
  NEW.updated_at := now();
  RETURN NEW;
END $$;
