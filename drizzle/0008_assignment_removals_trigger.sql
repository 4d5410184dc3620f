-- Every removed assignment is recorded with the transaction that removed it, whatever removed
-- it (the admin API, a script, a cascade): the pull lists a user's lost entities from here.
CREATE FUNCTION assignments_record_removal() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO assignment_removals (user_id, entity_id) VALUES (OLD.user_id, OLD.entity_id);
  RETURN OLD;
END $$;
--> statement-breakpoint
CREATE TRIGGER assignments_record_removal AFTER DELETE ON assignments
  FOR EACH ROW EXECUTE FUNCTION assignments_record_removal();
