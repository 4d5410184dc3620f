CREATE TABLE "forms" (
	"id" uuid NOT NULL,
	"version" integer NOT NULL,
	"title" text NOT NULL,
	"entity_ids" uuid[],
	"definition" jsonb NOT NULL,
	"published_by" uuid NOT NULL,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "forms_id_version_pk" PRIMARY KEY("id","version"),
	CONSTRAINT "forms_version_check" CHECK ("forms"."version" >= 1)
);
--> statement-breakpoint
ALTER TABLE "forms" ADD CONSTRAINT "forms_published_by_users_id_fk" FOREIGN KEY ("published_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;