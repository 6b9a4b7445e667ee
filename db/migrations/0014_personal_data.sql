ALTER TYPE "public"."merchant_status" ADD VALUE 'closed';--> statement-breakpoint
ALTER TYPE "public"."ledger_tx_kind" ADD VALUE 'points_forfeit';--> statement-breakpoint
CREATE TABLE "privacy_consents" (
	"user_id" bigint NOT NULL,
	"notice_version" integer NOT NULL,
	"consented_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "privacy_consents_user_id_notice_version_pk" PRIMARY KEY("user_id","notice_version"),
	CONSTRAINT "privacy_consents_version_positive" CHECK ("privacy_consents"."notice_version" >= 1)
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "deleted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "privacy_consents" ADD CONSTRAINT "privacy_consents_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;