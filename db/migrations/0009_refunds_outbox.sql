CREATE TYPE "public"."payment_refund_status" AS ENUM('pending', 'succeeded', 'failed');--> statement-breakpoint
ALTER TYPE "public"."account_kind" ADD VALUE 'refunds_pending';--> statement-breakpoint
ALTER TYPE "public"."ledger_tx_kind" ADD VALUE 'refund_shortfall';--> statement-breakpoint
ALTER TYPE "public"."ledger_tx_kind" ADD VALUE 'refund_sent';--> statement-breakpoint
ALTER TABLE "accounts" DROP CONSTRAINT "accounts_balance_guard";--> statement-breakpoint
ALTER TABLE "payment_refunds" ALTER COLUMN "provider_ref" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "payment_refunds" ADD COLUMN "status" "payment_refund_status" DEFAULT 'pending' NOT NULL;--> statement-breakpoint
ALTER TABLE "payment_refunds" ADD COLUMN "out_refund_no" text;--> statement-breakpoint
ALTER TABLE "payment_refunds" ADD COLUMN "attempt" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "payment_refunds" ADD COLUMN "failure_reason" text;--> statement-breakpoint
ALTER TABLE "payment_refunds" ADD COLUMN "last_error" text;--> statement-breakpoint
ALTER TABLE "payment_refunds" ADD COLUMN "accepted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "payment_refunds" ADD COLUMN "settled_at" timestamp with time zone;--> statement-breakpoint
-- hand-written: refunds recorded before the outbox were final when written (the dev and POS
-- providers recorded them in the refund's own transaction).
UPDATE "payment_refunds" r SET "status" = 'succeeded', "settled_at" = r."created_at", "out_refund_no" = 'RF' || o."order_no" || '01'
FROM "orders" o WHERE o."id" = r."order_id";--> statement-breakpoint
ALTER TABLE "payment_refunds" ALTER COLUMN "out_refund_no" SET NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "payment_refunds_out_refund_no_key" ON "payment_refunds" USING btree ("out_refund_no");--> statement-breakpoint
CREATE INDEX "payment_refunds_open_idx" ON "payment_refunds" USING btree ("created_at") WHERE "payment_refunds"."status" <> 'succeeded';--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_balance_guard" CHECK (case when "accounts"."kind" in ('world','platform_fees','points_issued') then "accounts"."balance" = 0 when "accounts"."kind" = 'merchant_settlement' then true else "accounts"."balance" >= 0 end);--> statement-breakpoint
ALTER TABLE "payment_refunds" ADD CONSTRAINT "payment_refunds_out_refund_no" CHECK ("payment_refunds"."out_refund_no" ~ '^[A-Za-z0-9_]{1,32}$');--> statement-breakpoint
ALTER TABLE "payment_refunds" ADD CONSTRAINT "payment_refunds_settled" CHECK (("payment_refunds"."status" = 'pending') = ("payment_refunds"."settled_at" is null) and ("payment_refunds"."status" = 'failed') = ("payment_refunds"."failure_reason" is not null));