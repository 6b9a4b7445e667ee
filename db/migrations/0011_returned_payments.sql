ALTER TYPE "public"."ledger_tx_kind" ADD VALUE 'payment_returned';--> statement-breakpoint
DROP INDEX "payment_refunds_order_key";--> statement-breakpoint
ALTER TABLE "payment_refunds" ALTER COLUMN "actor_user_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "payment_refunds" ADD COLUMN "returned_payment_ref" text;--> statement-breakpoint
ALTER TABLE "payment_refunds" ADD COLUMN "return_cause" text;--> statement-breakpoint
CREATE UNIQUE INDEX "payment_refunds_returned_payment_key" ON "payment_refunds" USING btree ("provider","returned_payment_ref") WHERE "payment_refunds"."returned_payment_ref" is not null;--> statement-breakpoint
CREATE INDEX "payment_refunds_order_idx" ON "payment_refunds" USING btree ("order_id");--> statement-breakpoint
CREATE UNIQUE INDEX "payment_refunds_order_key" ON "payment_refunds" USING btree ("order_id") WHERE "payment_refunds"."returned_payment_ref" is null;--> statement-breakpoint
ALTER TABLE "payment_refunds" ADD CONSTRAINT "payment_refunds_return" CHECK (("payment_refunds"."returned_payment_ref" is null) = ("payment_refunds"."return_cause" is null) and ("payment_refunds"."return_cause" is null or "payment_refunds"."return_cause" in ('duplicate', 'points_gone')));--> statement-breakpoint
ALTER TABLE "payment_refunds" ADD CONSTRAINT "payment_refunds_actor" CHECK ("payment_refunds"."actor_user_id" is not null or "payment_refunds"."returned_payment_ref" is not null);