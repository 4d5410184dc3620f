CREATE TABLE "media_content" (
	"media_id" uuid PRIMARY KEY NOT NULL,
	"size" bigint NOT NULL,
	"sha256" text NOT NULL,
	"content_type" text NOT NULL,
	"storage_key" text NOT NULL,
	"stored_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "media_uploads" (
	"id" text PRIMARY KEY NOT NULL,
	"media_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"size" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone,
	"lock_token" text,
	"locked_until" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "media_uploads_media_idx" ON "media_uploads" USING btree ("media_id");--> statement-breakpoint
CREATE INDEX "media_uploads_expiry_idx" ON "media_uploads" USING btree ("expires_at");