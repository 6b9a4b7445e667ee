import { sql } from "drizzle-orm";
import { bigint, check, index, pgEnum, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { ledgerTransactions } from "./ledger";
import { payoutAccounts } from "./payout-accounts";
import { users } from "./users";

/**
 * requested → approved → sending → paid, or failed (the money back in the wallet); or rejected.
 * approved: an operator approved it and a job will ask the provider; sending: the job has called
 * (or is calling) the provider with the withdrawal's out_bill_no. The transitions are
 * lib/wallet/withdrawal-status.ts.
 */
export const withdrawalStatus = pgEnum("withdrawal_status", ["requested", "paid", "rejected", "approved", "sending", "failed"]);

/**
 * A customer's request to take wallet money out to their bound payout account. The money waits in
 * withdrawals_pending until an operator decides, then in withdrawals_sending until the provider
 * confirms the transfer (paid) or refuses it (failed: back to the wallet).
 */
export const withdrawals = pgTable(
  "withdrawals",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    userId: bigint("user_id", { mode: "number" })
      .notNull()
      .references(() => users.id),
    amountFen: bigint("amount_fen", { mode: "number" }).notNull(),
    feeFen: bigint("fee_fen", { mode: "number" }).notNull().default(0),
    status: withdrawalStatus("status").notNull().default("requested"),
    requestTransactionId: bigint("request_transaction_id", { mode: "number" })
      .notNull()
      .references(() => ledgerTransactions.id),
    decisionTransactionId: bigint("decision_transaction_id", { mode: "number" }).references(() => ledgerTransactions.id),
    decidedByUserId: bigint("decided_by_user_id", { mode: "number" }).references(() => users.id),
    reason: text("reason"),
    /** The account the money goes to (null only for requests made before accounts could be bound). */
    payoutAccountId: bigint("payout_account_id", { mode: "number" }).references(() => payoutAccounts.id),
    /** The provider the transfer goes through (`wechat`, `alipay`, or the simulated `dev`), fixed at approval. */
    provider: text("provider"),
    /** The id the provider deduplicates the transfer by (out_bill_no / out_biz_no), fixed at approval. */
    outBillNo: text("out_bill_no"),
    /** The provider's reference of the transfer, once it gave one. */
    providerRef: text("provider_ref"),
    /** The provider's reason for refusing the transfer (status failed), shown to the customer. */
    failureReason: text("failure_reason"),
    /** The latest error of a call that will be retried (a timeout, a 5xx), for the operator. */
    lastError: text("last_error"),
    /** When the provider accepted the transfer without finishing it: later tries ask it (queryTransfer). */
    acceptedAt: timestamp("accepted_at", { withTimezone: true }),
    /** The posting that settled an approved withdrawal: withdrawal_paid or withdrawal_failed. */
    settleTransactionId: bigint("settle_transaction_id", { mode: "number" }).references(() => ledgerTransactions.id),
    settledAt: timestamp("settled_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
  },
  (t) => [
    check("withdrawals_amounts", sql`${t.amountFen} > 0 and ${t.feeFen} >= 0 and ${t.feeFen} < ${t.amountFen}`),
    check(
      "withdrawals_decision",
      sql`(${t.status} = 'requested') = (${t.decidedAt} is null) and (${t.status} = 'requested') = (${t.decisionTransactionId} is null)`,
    ),
    // The checks compare status as text: enum values added in the same migration are not usable yet.
    check("withdrawals_out_bill_no", sql`${t.outBillNo} is null or ${t.outBillNo} ~ '^[A-Za-z0-9_]{1,32}$'`),
    check("withdrawals_transfer", sql`${t.status}::text not in ('approved','sending','failed') or (${t.outBillNo} is not null and ${t.provider} is not null and ${t.payoutAccountId} is not null)`),
    check("withdrawals_failed", sql`(${t.status}::text = 'failed') = (${t.failureReason} is not null)`),
    check("withdrawals_settled", sql`(${t.settleTransactionId} is null) = (${t.settledAt} is null) and (${t.settleTransactionId} is null or ${t.status}::text in ('paid','failed'))`),
    uniqueIndex("withdrawals_out_bill_no_key").on(t.outBillNo),
    uniqueIndex("withdrawals_settle_transaction_key").on(t.settleTransactionId),
    index("withdrawals_user_created_idx").on(t.userId, t.createdAt),
    index("withdrawals_requested_idx").on(t.createdAt).where(sql`${t.status} = 'requested'`),
  ],
);

export type Withdrawal = typeof withdrawals.$inferSelect;
