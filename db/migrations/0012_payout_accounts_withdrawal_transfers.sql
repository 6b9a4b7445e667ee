CREATE TYPE "public"."payout_account_kind" AS ENUM('wechat', 'alipay');--> statement-breakpoint
ALTER TYPE "public"."account_kind" ADD VALUE 'withdrawals_sending';--> statement-breakpoint
ALTER TYPE "public"."ledger_tx_kind" ADD VALUE 'withdrawal_approved';--> statement-breakpoint
ALTER TYPE "public"."ledger_tx_kind" ADD VALUE 'withdrawal_failed';--> statement-breakpoint
ALTER TYPE "public"."withdrawal_status" ADD VALUE 'approved';--> statement-breakpoint
ALTER TYPE "public"."withdrawal_status" ADD VALUE 'sending';--> statement-breakpoint
ALTER TYPE "public"."withdrawal_status" ADD VALUE 'failed';--> statement-breakpoint
CREATE TABLE "payout_accounts" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "payout_accounts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"user_id" bigint NOT NULL,
	"kind" "payout_account_kind" NOT NULL,
	"openid" text,
	"alipay_account" text,
	"real_name" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"unbound_at" timestamp with time zone,
	CONSTRAINT "payout_accounts_fields" CHECK (case "payout_accounts"."kind"::text
        when 'wechat' then "payout_accounts"."openid" is not null and length("payout_accounts"."openid") between 6 and 64 and "payout_accounts"."alipay_account" is null and "payout_accounts"."real_name" is null
        else "payout_accounts"."openid" is null and "payout_accounts"."alipay_account" is not null and length("payout_accounts"."alipay_account") between 3 and 100 and "payout_accounts"."real_name" is not null and length("payout_accounts"."real_name") between 1 and 40
      end)
);
--> statement-breakpoint
ALTER TABLE "withdrawals" ADD COLUMN "payout_account_id" bigint;--> statement-breakpoint
ALTER TABLE "withdrawals" ADD COLUMN "provider" text;--> statement-breakpoint
ALTER TABLE "withdrawals" ADD COLUMN "out_bill_no" text;--> statement-breakpoint
ALTER TABLE "withdrawals" ADD COLUMN "provider_ref" text;--> statement-breakpoint
ALTER TABLE "withdrawals" ADD COLUMN "failure_reason" text;--> statement-breakpoint
ALTER TABLE "withdrawals" ADD COLUMN "last_error" text;--> statement-breakpoint
ALTER TABLE "withdrawals" ADD COLUMN "accepted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "withdrawals" ADD COLUMN "settle_transaction_id" bigint;--> statement-breakpoint
ALTER TABLE "withdrawals" ADD COLUMN "settled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "payout_accounts" ADD CONSTRAINT "payout_accounts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "payout_accounts_bound_key" ON "payout_accounts" USING btree ("user_id","kind") WHERE "payout_accounts"."unbound_at" is null;--> statement-breakpoint
CREATE INDEX "payout_accounts_user_idx" ON "payout_accounts" USING btree ("user_id");--> statement-breakpoint
ALTER TABLE "withdrawals" ADD CONSTRAINT "withdrawals_payout_account_id_payout_accounts_id_fk" FOREIGN KEY ("payout_account_id") REFERENCES "public"."payout_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "withdrawals" ADD CONSTRAINT "withdrawals_settle_transaction_id_ledger_transactions_id_fk" FOREIGN KEY ("settle_transaction_id") REFERENCES "public"."ledger_transactions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "withdrawals_out_bill_no_key" ON "withdrawals" USING btree ("out_bill_no");--> statement-breakpoint
CREATE UNIQUE INDEX "withdrawals_settle_transaction_key" ON "withdrawals" USING btree ("settle_transaction_id");--> statement-breakpoint
ALTER TABLE "withdrawals" ADD CONSTRAINT "withdrawals_out_bill_no" CHECK ("withdrawals"."out_bill_no" is null or "withdrawals"."out_bill_no" ~ '^[A-Za-z0-9_]{1,32}$');--> statement-breakpoint
ALTER TABLE "withdrawals" ADD CONSTRAINT "withdrawals_transfer" CHECK ("withdrawals"."status"::text not in ('approved','sending','failed') or ("withdrawals"."out_bill_no" is not null and "withdrawals"."provider" is not null and "withdrawals"."payout_account_id" is not null));--> statement-breakpoint
ALTER TABLE "withdrawals" ADD CONSTRAINT "withdrawals_failed" CHECK (("withdrawals"."status"::text = 'failed') = ("withdrawals"."failure_reason" is not null));--> statement-breakpoint
ALTER TABLE "withdrawals" ADD CONSTRAINT "withdrawals_settled" CHECK (("withdrawals"."settle_transaction_id" is null) = ("withdrawals"."settled_at" is null) and ("withdrawals"."settle_transaction_id" is null or "withdrawals"."status"::text in ('paid','failed')));