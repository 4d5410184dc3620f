-- The last push is read from the idempotency log (the user's newest sync_changes row, on the
-- sync_changes_user_idx index): a row per user written by every push made the user's devices
-- wait for each other's commits.
ALTER TABLE "sync_activity" DROP COLUMN "last_push_at";
