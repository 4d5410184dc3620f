-- Every write of a record moves it to the end of the pull feed: the writing transaction id,
-- then a row order. Done by trigger so no code path can write a record and forget it.
CREATE FUNCTION records_feed_position() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.txid := pg_current_xact_id();
  NEW.seq := nextval('records_seq');
  NEW.updated_at := now();
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER records_feed_position BEFORE INSERT OR UPDATE ON records
  FOR EACH ROW EXECUTE FUNCTION records_feed_position();
--> statement-breakpoint
-- A renamed entity is announced to pulls after its transaction.
CREATE FUNCTION entities_feed_position() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.txid := pg_current_xact_id();
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER entities_feed_position BEFORE INSERT OR UPDATE ON entities
  FOR EACH ROW EXECUTE FUNCTION entities_feed_position();
