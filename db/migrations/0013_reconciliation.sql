CREATE TYPE "public"."reconciliation_mismatch_kind" AS ENUM('missing_in_ledger', 'missing_at_provider', 'amount_differs', 'duplicate_posting');--> statement-breakpoint
CREATE TYPE "public"."reconciliation_status" AS ENUM('queued', 'matched', 'mismatched', 'failed');--> statement-breakpoint
CREATE TABLE "reconciliation_mismatches" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "reconciliation_mismatches_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"run_id" bigint NOT NULL,
	"kind" "reconciliation_mismatch_kind" NOT NULL,
	"tx_kind" text NOT NULL,
	"out_id" text NOT NULL,
	"provider_ref" text,
	"provider_fen" bigint,
	"ledger_fen" bigint,
	"postings" integer NOT NULL,
	"at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "reconciliation_runs" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "reconciliation_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"provider" text NOT NULL,
	"day" date NOT NULL,
	"status" "reconciliation_status" DEFAULT 'queued' NOT NULL,
	"bill_source" text,
	"provider_count" integer DEFAULT 0 NOT NULL,
	"provider_fen" bigint DEFAULT 0 NOT NULL,
	"ledger_count" integer DEFAULT 0 NOT NULL,
	"ledger_fen" bigint DEFAULT 0 NOT NULL,
	"mismatch_count" integer DEFAULT 0 NOT NULL,
	"error" text,
	"requested_by" bigint,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "reconciliation_runs_counts" CHECK ("reconciliation_runs"."provider_count" >= 0 and "reconciliation_runs"."ledger_count" >= 0 and "reconciliation_runs"."mismatch_count" >= 0),
	CONSTRAINT "reconciliation_runs_finished" CHECK (("reconciliation_runs"."status" = 'queued') = ("reconciliation_runs"."finished_at" is null)),
	CONSTRAINT "reconciliation_runs_error" CHECK (("reconciliation_runs"."status" = 'failed') = ("reconciliation_runs"."error" is not null))
);
--> statement-breakpoint
ALTER TABLE "reconciliation_mismatches" ADD CONSTRAINT "reconciliation_mismatches_run_id_reconciliation_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."reconciliation_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reconciliation_runs" ADD CONSTRAINT "reconciliation_runs_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "reconciliation_mismatches_run_idx" ON "reconciliation_mismatches" USING btree ("run_id");--> statement-breakpoint
CREATE UNIQUE INDEX "reconciliation_runs_provider_day_key" ON "reconciliation_runs" USING btree ("provider","day");--> statement-breakpoint
CREATE INDEX "reconciliation_runs_day_idx" ON "reconciliation_runs" USING btree ("day");