import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  foreignKey,
  index,
  pgEnum,
  pgTable,
  text,
  timestamp,
  unique,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { merchants } from "./merchants";
import { orders } from "./orders";
import { queues } from "./queues";
import { users } from "./users";

export const asset = pgEnum("asset", ["CNY", "PTS"]);

export const accountKind = pgEnum("account_kind", [
  // Platform-wide, balance derived from entries (no hot row).
  "world",
  "platform_fees",
  "points_issued",
  // Kept balances, never negative.
  "points_reserve",
  "merchant_settlement",
  "pool",
  "wallet",
  "withdrawals_pending",
  "points_locked",
  "points_available",
  // Cash a refund owes the customer until the payment provider confirms it went out (per customer).
  "refunds_pending",
  // Cash of approved withdrawals on its way to the customer's bound account, until the provider
  // confirms the transfer (it leaves through the rails) or refuses it (back to the wallet).
  "withdrawals_sending",
]);

/** Kinds whose balance is derived from entries only; the balance column stays 0. */
export const DERIVED_KINDS = ["world", "platform_fees", "points_issued"] as const;

export const accounts = pgTable(
  "accounts",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    kind: accountKind("kind").notNull(),
    asset: asset("asset").notNull(),
    userId: bigint("user_id", { mode: "number" }).references(() => users.id),
    merchantId: bigint("merchant_id", { mode: "number" }).references(() => merchants.id),
    queueId: bigint("queue_id", { mode: "number" }).references(() => queues.id),
    balance: bigint("balance", { mode: "number" }).notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique("accounts_id_asset_key").on(t.id, t.asset),
    // I3 in the database: guarded accounts never go negative; derived ones keep no balance. A
    // merchant's settlement may go negative, and only through a refund (the store then owes the
    // platform): post() refuses any other posting that would take it below zero (lib/ledger/post.ts).
    check(
      "accounts_balance_guard",
      sql`case when ${t.kind} in ('world','platform_fees','points_issued') then ${t.balance} = 0 when ${t.kind} = 'merchant_settlement' then true else ${t.balance} >= 0 end`,
    ),
    check(
      "accounts_asset_matches_kind",
      sql`(${t.kind} in ('points_issued','points_locked','points_available')) = (${t.asset} = 'PTS')`,
    ),
    check(
      "accounts_owner_matches_kind",
      sql`case
        when ${t.kind} in ('world','platform_fees','points_issued') then ${t.userId} is null and ${t.merchantId} is null and ${t.queueId} is null
        when ${t.kind} = 'merchant_settlement' then ${t.merchantId} is not null and ${t.userId} is null and ${t.queueId} is null
        when ${t.kind} = 'pool' then ${t.queueId} is not null and ${t.userId} is null and ${t.merchantId} is null
        else ${t.userId} is not null and ${t.merchantId} is null and ${t.queueId} is null
      end`,
    ),
    uniqueIndex("accounts_platform_key")
      .on(t.kind)
      .where(sql`${t.userId} is null and ${t.merchantId} is null and ${t.queueId} is null`),
    uniqueIndex("accounts_user_kind_key").on(t.userId, t.kind).where(sql`${t.userId} is not null`),
    uniqueIndex("accounts_merchant_kind_key").on(t.merchantId, t.kind).where(sql`${t.merchantId} is not null`),
    uniqueIndex("accounts_queue_kind_key").on(t.queueId, t.kind).where(sql`${t.queueId} is not null`),
  ],
);

export const ledgerTxKind = pgEnum("ledger_tx_kind", [
  "order_paid",
  "queue_payout",
  "draw_payout",
  "exit_compensation",
  "points_redemption",
  "order_refund",
  "points_release",
  "points_expiry",
  "withdrawal_requested",
  "withdrawal_paid",
  "withdrawal_rejected",
  "points_adjustment",
  // The merchant's settlement tops the pool up to the order's pool share before a refund reverses it.
  "refund_shortfall",
  // The provider confirmed a refund: the cash owed to the customer went out through the rails.
  "refund_sent",
  // A provider payment that did not pay its order (a duplicate, or a late one that could no longer
  // pay it in full) came in: its cash is owed back to the customer until its refund is sent.
  "payment_returned",
  // An operator approved a withdrawal: withdrawals_pending to withdrawals_sending.
  "withdrawal_approved",
  // The provider refused a withdrawal's transfer: withdrawals_sending back to the wallet.
  "withdrawal_failed",
  // An account deletion: the points left are given up (they cannot be cashed), as an expiry does.
  "points_forfeit",
  // Money moved from one queue's pool to another's, with the waiting entries it backs: a busy store
  // joining an alliance, or an alliance dissolved (docs/alliances.md). Exactly two pool legs.
  "pool_transfer",
]);

/** One business event. Append-only (trigger in migrations). */
export const ledgerTransactions = pgTable(
  "ledger_transactions",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    kind: ledgerTxKind("kind").notNull(),
    orderId: bigint("order_id", { mode: "number" }).references(() => orders.id),
    queueId: bigint("queue_id", { mode: "number" }).references(() => queues.id),
    actorUserId: bigint("actor_user_id", { mode: "number" }).references(() => users.id),
    reason: text("reason"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("ledger_transactions_order_idx").on(t.orderId),
    // The operator's 30-day charts read a time range of transactions (one row per business event,
    // so this costs one index entry per event, not one per leg).
    index("ledger_transactions_created_idx").on(t.createdAt),
    // I7 in the database: an order's payment and its refund are each posted at most once.
    uniqueIndex("ledger_transactions_order_paid_once").on(t.orderId).where(sql`${t.kind} = 'order_paid'`),
    uniqueIndex("ledger_transactions_order_refund_once").on(t.orderId).where(sql`${t.kind} = 'order_refund'`),
  ],
);

/** One leg. `amount` is the signed change to the account, in the account's asset unit. */
export const ledgerEntries = pgTable(
  "ledger_entries",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    transactionId: bigint("transaction_id", { mode: "number" })
      .notNull()
      .references(() => ledgerTransactions.id),
    accountId: bigint("account_id", { mode: "number" }).notNull(),
    asset: asset("asset").notNull(),
    amount: bigint("amount", { mode: "number" }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // The entry's asset must be its account's asset.
    foreignKey({
      name: "ledger_entries_account_asset_fk",
      columns: [t.accountId, t.asset],
      foreignColumns: [accounts.id, accounts.asset],
    }),
    check("ledger_entries_amount_nonzero", sql`${t.amount} <> 0`),
    index("ledger_entries_transaction_idx").on(t.transactionId),
    index("ledger_entries_account_idx").on(t.accountId, t.id),
    // An account's postings over a time range (the settlement report reads its range, not the history).
    index("ledger_entries_account_created_idx").on(t.accountId, t.createdAt),
  ],
);

export type Account = typeof accounts.$inferSelect;
export type LedgerTransaction = typeof ledgerTransactions.$inferSelect;
export type LedgerEntry = typeof ledgerEntries.$inferSelect;
