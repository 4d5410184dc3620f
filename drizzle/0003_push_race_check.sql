-- Push writes a batch in one statement, with no transaction of its own around the read it
-- decided on. If another writer got to one of its records or change ids in between, the
-- statement's row counts come out short; this aborts the whole statement (undoing all of it)
-- as a serialization failure, which the server retries under record locks.
CREATE FUNCTION fieldsync_expect_rows(actual int, expected int) RETURNS int LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  IF actual IS DISTINCT FROM expected THEN
    RAISE EXCEPTION 'a record or change id of this batch was written concurrently (% rows written, % expected)', actual, expected
      USING ERRCODE = 'serialization_failure';
  END IF;
  RETURN actual;
END $$;
