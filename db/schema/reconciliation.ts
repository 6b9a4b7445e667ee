import { sql } from "drizzle-orm";
import { bigint, check, date, index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { users } from "./users";

/**
 * queued: a job will compare the day (just asked for, or retrying after the provider failed);
 * matched: every provider transaction has exactly one posting of its amount and every posting a
 * provider transaction; mismatched: the differences are in reconciliation_mismatches; failed: the
 * bill could not be had or read (the reason is kept; the job retries, an operator can re-run).
 */
export const reconciliationStatus = pgEnum("reconciliation_status", ["queued", "matched", "mismatched", "failed"]);

export const mismatchKind = pgEnum("reconciliation_mismatch_kind", [
  // The provider took (or gave back) money the ledger never posted.
  "missing_in_ledger",
  // The ledger posted money the provider's bill does not have.
  "missing_at_provider",
  // One posting, of another amount than the provider's.
  "amount_differs",
  // More than one posting for one provider transaction.
  "duplicate_posting",
]);

/** One reconciliation of one provider's bill for one China-time day. A re-run replaces it. */
export const reconciliationRuns = pgTable(
  "reconciliation_runs",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    provider: text("provider").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    status: reconciliationStatus("status").notNull().default("queued"),
    /** Where the bill came from: the provider's file, or the ledger's own records (the dev provider). */
    billSource: text("bill_source"),
    providerCount: integer("provider_count").notNull().default(0),
    providerFen: bigint("provider_fen", { mode: "number" }).notNull().default(0),
    ledgerCount: integer("ledger_count").notNull().default(0),
    ledgerFen: bigint("ledger_fen", { mode: "number" }).notNull().default(0),
    mismatchCount: integer("mismatch_count").notNull().default(0),
    error: text("error"),
    /** The operator who asked for the latest run; null for the daily schedule. */
    requestedBy: bigint("requested_by", { mode: "number" }).references(() => users.id),
    requestedAt: timestamp("requested_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("reconciliation_runs_provider_day_key").on(t.provider, t.day),
    index("reconciliation_runs_day_idx").on(t.day),
    check("reconciliation_runs_counts", sql`${t.providerCount} >= 0 and ${t.ledgerCount} >= 0 and ${t.mismatchCount} >= 0`),
    check("reconciliation_runs_finished", sql`(${t.status} = 'queued') = (${t.finishedAt} is null)`),
    check("reconciliation_runs_error", sql`(${t.status} = 'failed') = (${t.error} is not null)`),
  ],
);

/** One difference a run found. The run's re-run deletes these and writes its own. */
export const reconciliationMismatches = pgTable(
  "reconciliation_mismatches",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    runId: bigint("run_id", { mode: "number" })
      .notNull()
      .references(() => reconciliationRuns.id, { onDelete: "cascade" }),
    kind: mismatchKind("kind").notNull(),
    /** payment or refund (or transfer). */
    txKind: text("tx_kind").notNull(),
    /** Our id: the order number, out_refund_no or out_bill_no. */
    outId: text("out_id").notNull(),
    providerRef: text("provider_ref"),
    /** What the provider's bill says (null when it has no such row). */
    providerFen: bigint("provider_fen", { mode: "number" }),
    /** What the ledger posted, in all (null when nothing). */
    ledgerFen: bigint("ledger_fen", { mode: "number" }),
    postings: integer("postings").notNull(),
    /** The provider's time for it, else the first posting's. */
    at: timestamp("at", { withTimezone: true }),
  },
  (t) => [index("reconciliation_mismatches_run_idx").on(t.runId)],
);

export type ReconciliationRun = typeof reconciliationRuns.$inferSelect;
export type ReconciliationMismatch = typeof reconciliationMismatches.$inferSelect;
