ALTER TYPE "public"."ledger_tx_kind" ADD VALUE 'pool_transfer';--> statement-breakpoint
ALTER TYPE "public"."entry_status" ADD VALUE 'moved';--> statement-breakpoint
CREATE TABLE "alliance_members" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "alliance_members_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"alliance_id" bigint NOT NULL,
	"merchant_id" bigint NOT NULL,
	"own_queue_id" bigint NOT NULL,
	"brought_pool_fen" bigint DEFAULT 0 NOT NULL,
	"brought_entries" bigint DEFAULT 0 NOT NULL,
	"joined_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "alliance_members_brought" CHECK ("alliance_members"."brought_pool_fen" >= 0 and "alliance_members"."brought_entries" >= 0)
);
--> statement-breakpoint
ALTER TABLE "queue_entries" ADD COLUMN "moved_entry_id" bigint;--> statement-breakpoint
ALTER TABLE "alliances" ADD COLUMN "dissolved_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "alliances" ADD COLUMN "dissolved_by_user_id" bigint;--> statement-breakpoint
ALTER TABLE "alliance_members" ADD CONSTRAINT "alliance_members_alliance_id_alliances_id_fk" FOREIGN KEY ("alliance_id") REFERENCES "public"."alliances"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alliance_members" ADD CONSTRAINT "alliance_members_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alliance_members" ADD CONSTRAINT "alliance_members_own_queue_id_queues_id_fk" FOREIGN KEY ("own_queue_id") REFERENCES "public"."queues"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "alliance_members_key" ON "alliance_members" USING btree ("alliance_id","merchant_id");--> statement-breakpoint
CREATE INDEX "alliance_members_merchant_idx" ON "alliance_members" USING btree ("merchant_id");--> statement-breakpoint
ALTER TABLE "queue_entries" ADD CONSTRAINT "queue_entries_moved_entry_id_queue_entries_id_fk" FOREIGN KEY ("moved_entry_id") REFERENCES "public"."queue_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alliances" ADD CONSTRAINT "alliances_dissolved_by_user_id_users_id_fk" FOREIGN KEY ("dissolved_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "queue_entries" ADD CONSTRAINT "queue_entries_moved_entry" CHECK (("queue_entries"."status"::text = 'moved') = ("queue_entries"."moved_entry_id" is not null));--> statement-breakpoint
ALTER TABLE "alliances" ADD CONSTRAINT "alliances_dissolved_pair" CHECK (("alliances"."dissolved_at" is null) = ("alliances"."dissolved_by_user_id" is null));--> statement-breakpoint
-- Alliances formed before this migration recorded each member's own queue only in their audit entry.
INSERT INTO "alliance_members" ("alliance_id", "merchant_id", "own_queue_id", "joined_at")
SELECT a.id, (m->>'merchantId')::bigint, (m->>'oldQueueId')::bigint, a.created_at
FROM "alliances" a
JOIN "audit_log" l ON l.action = 'alliance.form' AND l.subject_type = 'alliance' AND l.subject_id = a.id::text
CROSS JOIN LATERAL jsonb_array_elements(l.details->'members') m
ON CONFLICT DO NOTHING;
