import { sql } from "drizzle-orm";
import { bigint, check, index, pgEnum, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { merchants, ruleVersions } from "./merchants";
import { queues } from "./queues";
import { users } from "./users";

/**
 * pending → paid → (refunded); or pending → expired (not paid in time, closed at the provider) or
 * cancelled (by the customer). An expired or cancelled order whose payment the provider took
 * anyway still becomes paid: the money is never lost.
 */
export const orderStatus = pgEnum("order_status", ["pending", "paid", "refunded", "expired", "cancelled"]);

/** Largest single order: ¥1,000,000 (SPEC: Units). */
export const MAX_ORDER_FEN = 100_000_000;

export const orders = pgTable(
  "orders",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    /** The order number customers see. */
    orderNo: text("order_no").notNull(),
    customerId: bigint("customer_id", { mode: "number" })
      .notNull()
      .references(() => users.id),
    merchantId: bigint("merchant_id", { mode: "number" })
      .notNull()
      .references(() => merchants.id),
    queueId: bigint("queue_id", { mode: "number" })
      .notNull()
      .references(() => queues.id),
    ruleVersionId: bigint("rule_version_id", { mode: "number" })
      .notNull()
      .references(() => ruleVersions.id),
    amountFen: bigint("amount_fen", { mode: "number" }).notNull(),
    pointsUsed: bigint("points_used", { mode: "number" }).notNull().default(0),
    cashFen: bigint("cash_fen", { mode: "number" }).notNull(),
    // The shares are fixed when the order is created, from its rule version, so the
    // postings at payment and any later refund use exactly the same figures.
    rebateFen: bigint("rebate_fen", { mode: "number" }).notNull(),
    platformFeeFen: bigint("platform_fee_fen", { mode: "number" }).notNull(),
    pointsEarned: bigint("points_earned", { mode: "number" }).notNull(),
    poolFen: bigint("pool_fen", { mode: "number" }).notNull(),
    status: orderStatus("status").notNull().default("pending"),
    idempotencyKey: text("idempotency_key").notNull(),
    /** Hash of the request payload: the same key with another payload is a conflict. */
    requestHash: text("request_hash").notNull(),
    provider: text("provider").notNull(),
    providerRef: text("provider_ref"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    paidAt: timestamp("paid_at", { withTimezone: true }),
    refundedAt: timestamp("refunded_at", { withTimezone: true }),
    /** When it expired or was cancelled unpaid. */
    closedAt: timestamp("closed_at", { withTimezone: true }),
    /**
     * When the pending-payment query last asked the provider about it (lib/orders/query-pending.ts):
     * each run takes the orders asked least recently first, so more pending orders than one run's
     * limit are all reached in turn instead of the oldest being asked every time.
     */
    paymentCheckedAt: timestamp("payment_checked_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("orders_order_no_key").on(t.orderNo),
    uniqueIndex("orders_customer_idempotency_key").on(t.customerId, t.idempotencyKey),
    index("orders_merchant_created_idx").on(t.merchantId, t.createdAt),
    index("orders_customer_created_idx").on(t.customerId, t.createdAt),
    check("orders_amount_range", sql`${t.amountFen} > 0 and ${t.amountFen} <= 100000000`),
    check(
      "orders_cash_split",
      sql`${t.pointsUsed} >= 0 and ${t.cashFen} >= 0 and ${t.cashFen} + ${t.pointsUsed} = ${t.amountFen}`,
    ),
    check(
      "orders_shares",
      sql`${t.rebateFen} >= 0 and ${t.rebateFen} <= ${t.cashFen} and ${t.platformFeeFen} >= 0 and ${t.pointsEarned} >= 0 and ${t.poolFen} >= 0 and ${t.platformFeeFen} + ${t.pointsEarned} + ${t.poolFen} = ${t.rebateFen}`,
    ),
    check("orders_paid_at", sql`(${t.status} in ('paid', 'refunded')) = (${t.paidAt} is not null)`),
    // The expiry job's scan: pending orders oldest first.
    index("orders_pending_created_idx").on(t.createdAt).where(sql`${t.status} = 'pending'`),
  ],
);

export type Order = typeof orders.$inferSelect;
