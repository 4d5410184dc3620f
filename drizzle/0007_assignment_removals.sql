CREATE TABLE "assignment_removals" (
	"user_id" uuid NOT NULL,
	"entity_id" uuid NOT NULL,
	"txid" "xid8" DEFAULT pg_current_xact_id() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "assignment_removals_user_idx" ON "assignment_removals" USING btree ("user_id","txid");