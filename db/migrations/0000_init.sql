CREATE TYPE "public"."user_role" AS ENUM('customer', 'merchant', 'operator');--> statement-breakpoint
CREATE TYPE "public"."payout_mode" AS ENUM('auto', 'manual');--> statement-breakpoint
CREATE TYPE "public"."merchant_status" AS ENUM('pending', 'approved', 'rejected');--> statement-breakpoint
CREATE TYPE "public"."order_status" AS ENUM('pending', 'paid', 'refunded');--> statement-breakpoint
CREATE TYPE "public"."account_kind" AS ENUM('world', 'platform_fees', 'points_issued', 'points_reserve', 'merchant_settlement', 'pool', 'wallet', 'withdrawals_pending', 'points_locked', 'points_available');--> statement-breakpoint
CREATE TYPE "public"."asset" AS ENUM('CNY', 'PTS');--> statement-breakpoint
CREATE TYPE "public"."ledger_tx_kind" AS ENUM('order_paid', 'queue_payout', 'draw_payout', 'exit_compensation', 'points_redemption', 'order_refund', 'points_release', 'points_expiry', 'withdrawal_requested', 'withdrawal_paid', 'withdrawal_rejected', 'points_adjustment');--> statement-breakpoint
CREATE TYPE "public"."entry_status" AS ENUM('waiting', 'paid', 'left', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."payout_kind" AS ENUM('fifo', 'draw');--> statement-breakpoint
CREATE TABLE "users" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "users_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"username" text NOT NULL,
	"phone" text,
	"password_hash" text NOT NULL,
	"role" "user_role" DEFAULT 'customer' NOT NULL,
	"display_name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_username_lower" CHECK ("users"."username" = lower("users"."username") and length("users"."username") between 3 and 32),
	CONSTRAINT "users_display_name_len" CHECK (length("users"."display_name") between 1 and 64)
);
--> statement-breakpoint
CREATE TABLE "queues" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "queues_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"payout_mode" "payout_mode" DEFAULT 'auto' NOT NULL,
	"next_position" bigint DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "queues_next_position_positive" CHECK ("queues"."next_position" >= 1)
);
--> statement-breakpoint
CREATE TABLE "merchants" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "merchants_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"owner_user_id" bigint NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"status" "merchant_status" DEFAULT 'pending' NOT NULL,
	"queue_id" bigint,
	"rule_version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "merchants_slug_format" CHECK ("merchants"."slug" ~ '^[a-z0-9][a-z0-9-]{1,40}$'),
	CONSTRAINT "merchants_approved_has_queue" CHECK ("merchants"."status" <> 'approved' or "merchants"."queue_id" is not null)
);
--> statement-breakpoint
CREATE TABLE "rule_versions" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "rule_versions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"merchant_id" bigint NOT NULL,
	"version" integer NOT NULL,
	"rebate_bps" integer NOT NULL,
	"platform_fee_bps" integer NOT NULL,
	"points_bps" integer NOT NULL,
	"free_bps" integer NOT NULL,
	"unit_cap_fen" bigint NOT NULL,
	"min_order_fen" bigint NOT NULL,
	"payout_mode" "payout_mode" NOT NULL,
	"exit_comp_bps" integer NOT NULL,
	"release_bps_per_day" integer NOT NULL,
	"points_expiry_days" integer NOT NULL,
	"created_by_user_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rule_versions_rebate_range" CHECK ("rule_versions"."rebate_bps" between 300 and 5000),
	CONSTRAINT "rule_versions_split_range" CHECK ("rule_versions"."platform_fee_bps" between 0 and 10000 and "rule_versions"."points_bps" between 0 and 10000 and "rule_versions"."platform_fee_bps" + "rule_versions"."points_bps" <= 10000),
	CONSTRAINT "rule_versions_free_range" CHECK ("rule_versions"."free_bps" between 1 and 10000),
	CONSTRAINT "rule_versions_amounts" CHECK ("rule_versions"."unit_cap_fen" >= 0 and "rule_versions"."min_order_fen" >= 0),
	CONSTRAINT "rule_versions_exit_comp_range" CHECK ("rule_versions"."exit_comp_bps" between 0 and 10000),
	CONSTRAINT "rule_versions_release_range" CHECK ("rule_versions"."release_bps_per_day" between 1 and 10000),
	CONSTRAINT "rule_versions_expiry_range" CHECK ("rule_versions"."points_expiry_days" >= 0)
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "orders_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"order_no" text NOT NULL,
	"customer_id" bigint NOT NULL,
	"merchant_id" bigint NOT NULL,
	"queue_id" bigint NOT NULL,
	"rule_version_id" bigint NOT NULL,
	"amount_fen" bigint NOT NULL,
	"points_used" bigint DEFAULT 0 NOT NULL,
	"cash_fen" bigint NOT NULL,
	"rebate_fen" bigint NOT NULL,
	"platform_fee_fen" bigint NOT NULL,
	"points_earned" bigint NOT NULL,
	"pool_fen" bigint NOT NULL,
	"status" "order_status" DEFAULT 'pending' NOT NULL,
	"idempotency_key" text NOT NULL,
	"request_hash" text NOT NULL,
	"provider" text NOT NULL,
	"provider_ref" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"paid_at" timestamp with time zone,
	"refunded_at" timestamp with time zone,
	CONSTRAINT "orders_amount_range" CHECK ("orders"."amount_fen" > 0 and "orders"."amount_fen" <= 100000000),
	CONSTRAINT "orders_cash_split" CHECK ("orders"."points_used" >= 0 and "orders"."cash_fen" >= 0 and "orders"."cash_fen" + "orders"."points_used" = "orders"."amount_fen"),
	CONSTRAINT "orders_shares" CHECK ("orders"."rebate_fen" >= 0 and "orders"."rebate_fen" <= "orders"."cash_fen" and "orders"."platform_fee_fen" >= 0 and "orders"."points_earned" >= 0 and "orders"."pool_fen" >= 0 and "orders"."platform_fee_fen" + "orders"."points_earned" + "orders"."pool_fen" = "orders"."rebate_fen"),
	CONSTRAINT "orders_paid_at" CHECK (("orders"."status" = 'pending') = ("orders"."paid_at" is null))
);
--> statement-breakpoint
CREATE TABLE "accounts" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "accounts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"kind" "account_kind" NOT NULL,
	"asset" "asset" NOT NULL,
	"user_id" bigint,
	"merchant_id" bigint,
	"queue_id" bigint,
	"balance" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "accounts_id_asset_key" UNIQUE("id","asset"),
	CONSTRAINT "accounts_balance_guard" CHECK (case when "accounts"."kind" in ('world','platform_fees','points_issued') then "accounts"."balance" = 0 else "accounts"."balance" >= 0 end),
	CONSTRAINT "accounts_asset_matches_kind" CHECK (("accounts"."kind" in ('points_issued','points_locked','points_available')) = ("accounts"."asset" = 'PTS')),
	CONSTRAINT "accounts_owner_matches_kind" CHECK (case
        when "accounts"."kind" in ('world','platform_fees','points_issued') then "accounts"."user_id" is null and "accounts"."merchant_id" is null and "accounts"."queue_id" is null
        when "accounts"."kind" = 'merchant_settlement' then "accounts"."merchant_id" is not null and "accounts"."user_id" is null and "accounts"."queue_id" is null
        when "accounts"."kind" = 'pool' then "accounts"."queue_id" is not null and "accounts"."user_id" is null and "accounts"."merchant_id" is null
        else "accounts"."user_id" is not null and "accounts"."merchant_id" is null and "accounts"."queue_id" is null
      end)
);
--> statement-breakpoint
CREATE TABLE "ledger_entries" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "ledger_entries_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"transaction_id" bigint NOT NULL,
	"account_id" bigint NOT NULL,
	"asset" "asset" NOT NULL,
	"amount" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ledger_entries_amount_nonzero" CHECK ("ledger_entries"."amount" <> 0)
);
--> statement-breakpoint
CREATE TABLE "ledger_transactions" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "ledger_transactions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"kind" "ledger_tx_kind" NOT NULL,
	"order_id" bigint,
	"queue_id" bigint,
	"actor_user_id" bigint,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payouts" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "payouts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"queue_entry_id" bigint NOT NULL,
	"queue_id" bigint NOT NULL,
	"customer_id" bigint NOT NULL,
	"amount_fen" bigint NOT NULL,
	"kind" "payout_kind" NOT NULL,
	"transaction_id" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payouts_amount_positive" CHECK ("payouts"."amount_fen" > 0)
);
--> statement-breakpoint
CREATE TABLE "queue_entries" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "queue_entries_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"queue_id" bigint NOT NULL,
	"order_id" bigint NOT NULL,
	"customer_id" bigint NOT NULL,
	"merchant_id" bigint NOT NULL,
	"rule_version_id" bigint NOT NULL,
	"position" bigint NOT NULL,
	"target_fen" bigint NOT NULL,
	"status" "entry_status" DEFAULT 'waiting' NOT NULL,
	"paid_kind" "payout_kind",
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"settled_at" timestamp with time zone,
	CONSTRAINT "queue_entries_target_positive" CHECK ("queue_entries"."target_fen" > 0),
	CONSTRAINT "queue_entries_paid_kind" CHECK (("queue_entries"."status" = 'paid') = ("queue_entries"."paid_kind" is not null)),
	CONSTRAINT "queue_entries_settled_at" CHECK (("queue_entries"."status" = 'waiting') = ("queue_entries"."settled_at" is null))
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"actor_user_id" bigint,
	"action" text NOT NULL,
	"subject_type" text NOT NULL,
	"subject_id" text NOT NULL,
	"reason" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "merchants" ADD CONSTRAINT "merchants_owner_user_id_users_id_fk" FOREIGN KEY ("owner_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "merchants" ADD CONSTRAINT "merchants_queue_id_queues_id_fk" FOREIGN KEY ("queue_id") REFERENCES "public"."queues"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rule_versions" ADD CONSTRAINT "rule_versions_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rule_versions" ADD CONSTRAINT "rule_versions_created_by_user_id_users_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_customer_id_users_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_queue_id_queues_id_fk" FOREIGN KEY ("queue_id") REFERENCES "public"."queues"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_rule_version_id_rule_versions_id_fk" FOREIGN KEY ("rule_version_id") REFERENCES "public"."rule_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_queue_id_queues_id_fk" FOREIGN KEY ("queue_id") REFERENCES "public"."queues"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_transaction_id_ledger_transactions_id_fk" FOREIGN KEY ("transaction_id") REFERENCES "public"."ledger_transactions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_account_asset_fk" FOREIGN KEY ("account_id","asset") REFERENCES "public"."accounts"("id","asset") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_transactions" ADD CONSTRAINT "ledger_transactions_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_transactions" ADD CONSTRAINT "ledger_transactions_queue_id_queues_id_fk" FOREIGN KEY ("queue_id") REFERENCES "public"."queues"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_transactions" ADD CONSTRAINT "ledger_transactions_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payouts" ADD CONSTRAINT "payouts_queue_entry_id_queue_entries_id_fk" FOREIGN KEY ("queue_entry_id") REFERENCES "public"."queue_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payouts" ADD CONSTRAINT "payouts_queue_id_queues_id_fk" FOREIGN KEY ("queue_id") REFERENCES "public"."queues"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payouts" ADD CONSTRAINT "payouts_customer_id_users_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payouts" ADD CONSTRAINT "payouts_transaction_id_ledger_transactions_id_fk" FOREIGN KEY ("transaction_id") REFERENCES "public"."ledger_transactions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "queue_entries" ADD CONSTRAINT "queue_entries_queue_id_queues_id_fk" FOREIGN KEY ("queue_id") REFERENCES "public"."queues"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "queue_entries" ADD CONSTRAINT "queue_entries_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "queue_entries" ADD CONSTRAINT "queue_entries_customer_id_users_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "queue_entries" ADD CONSTRAINT "queue_entries_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "queue_entries" ADD CONSTRAINT "queue_entries_rule_version_id_rule_versions_id_fk" FOREIGN KEY ("rule_version_id") REFERENCES "public"."rule_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "users_username_key" ON "users" USING btree ("username");--> statement-breakpoint
CREATE UNIQUE INDEX "users_phone_key" ON "users" USING btree ("phone");--> statement-breakpoint
CREATE UNIQUE INDEX "merchants_slug_key" ON "merchants" USING btree ("slug");--> statement-breakpoint
CREATE UNIQUE INDEX "merchants_owner_key" ON "merchants" USING btree ("owner_user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "rule_versions_merchant_version_key" ON "rule_versions" USING btree ("merchant_id","version");--> statement-breakpoint
CREATE UNIQUE INDEX "orders_order_no_key" ON "orders" USING btree ("order_no");--> statement-breakpoint
CREATE UNIQUE INDEX "orders_customer_idempotency_key" ON "orders" USING btree ("customer_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "orders_merchant_created_idx" ON "orders" USING btree ("merchant_id","created_at");--> statement-breakpoint
CREATE INDEX "orders_customer_created_idx" ON "orders" USING btree ("customer_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "accounts_platform_key" ON "accounts" USING btree ("kind") WHERE "accounts"."user_id" is null and "accounts"."merchant_id" is null and "accounts"."queue_id" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "accounts_user_kind_key" ON "accounts" USING btree ("user_id","kind") WHERE "accounts"."user_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "accounts_merchant_kind_key" ON "accounts" USING btree ("merchant_id","kind") WHERE "accounts"."merchant_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "accounts_queue_kind_key" ON "accounts" USING btree ("queue_id","kind") WHERE "accounts"."queue_id" is not null;--> statement-breakpoint
CREATE INDEX "ledger_entries_transaction_idx" ON "ledger_entries" USING btree ("transaction_id");--> statement-breakpoint
CREATE INDEX "ledger_entries_account_idx" ON "ledger_entries" USING btree ("account_id","id");--> statement-breakpoint
CREATE INDEX "ledger_transactions_order_idx" ON "ledger_transactions" USING btree ("order_id");--> statement-breakpoint
CREATE UNIQUE INDEX "payouts_queue_entry_key" ON "payouts" USING btree ("queue_entry_id");--> statement-breakpoint
CREATE INDEX "payouts_queue_created_idx" ON "payouts" USING btree ("queue_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "queue_entries_queue_position_key" ON "queue_entries" USING btree ("queue_id","position");--> statement-breakpoint
CREATE INDEX "queue_entries_waiting_idx" ON "queue_entries" USING btree ("queue_id","position") WHERE "queue_entries"."status" = 'waiting';--> statement-breakpoint
CREATE INDEX "queue_entries_customer_idx" ON "queue_entries" USING btree ("customer_id","id");--> statement-breakpoint
CREATE INDEX "queue_entries_order_idx" ON "queue_entries" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "audit_log_created_idx" ON "audit_log" USING btree ("created_at");