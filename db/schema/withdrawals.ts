import { sql } from "drizzle-orm";
import { bigint, check, index, pgEnum, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { ledgerTransactions } from "./ledger";
import { users } from "./users";

export const withdrawalStatus = pgEnum("withdrawal_status", ["requested", "paid", "rejected"]);

/** A customer's request to take wallet money out. The money waits in withdrawals_pending meanwhile. */
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
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
  },
  (t) => [
    check("withdrawals_amounts", sql`${t.amountFen} > 0 and ${t.feeFen} >= 0 and ${t.feeFen} < ${t.amountFen}`),
    check(
      "withdrawals_decision",
      sql`(${t.status} = 'requested') = (${t.decidedAt} is null) and (${t.status} = 'requested') = (${t.decisionTransactionId} is null)`,
    ),
    index("withdrawals_user_created_idx").on(t.userId, t.createdAt),
    index("withdrawals_requested_idx").on(t.createdAt).where(sql`${t.status} = 'requested'`),
  ],
);

export type Withdrawal = typeof withdrawals.$inferSelect;
