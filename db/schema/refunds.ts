import { sql } from "drizzle-orm";
import { bigint, check, index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { orders } from "./orders";
import { users } from "./users";

/**
 * pending: committed with its ledger reversal, the provider has not confirmed it yet (a job calls
 * it); succeeded: the provider returned the cash; failed: the provider refused it for good (the
 * reason is kept) and the cash is still owed to the customer until an operator retries it.
 */
export const paymentRefundStatus = pgEnum("payment_refund_status", ["pending", "succeeded", "failed"]);

/**
 * Cash given back through a payment provider: an order's refund (at most one per order), or the
 * return of a provider payment that did not pay its order (returnedPaymentRef set: a second payment
 * of an order already paid, or a late one for a closed order that could no longer be paid in full).
 */
export const paymentRefunds = pgTable(
  "payment_refunds",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    orderId: bigint("order_id", { mode: "number" })
      .notNull()
      .references(() => orders.id),
    provider: text("provider").notNull(),
    status: paymentRefundStatus("status").notNull().default("pending"),
    /**
     * The id the provider deduplicates by (WeChat's out_refund_no, Alipay's out_request_no): `RF`,
     * the order number and the attempt, fixed when the row is written. Every call for one attempt
     * uses it; only an operator's retry after a final failure makes the next one.
     */
    outRefundNo: text("out_refund_no").notNull(),
    attempt: integer("attempt").notNull().default(1),
    /** The provider's reference of the refund, once it gave one. */
    providerRef: text("provider_ref"),
    amountFen: bigint("amount_fen", { mode: "number" }).notNull(),
    /** Who refunded the order; null for a payment the platform returned on its own. */
    actorUserId: bigint("actor_user_id", { mode: "number" }).references(() => users.id),
    reason: text("reason"),
    /** The provider's reason for a final refusal (status failed). */
    failureReason: text("failure_reason"),
    /** The latest error of a call that will be retried (a timeout, a 5xx), for the operator. */
    lastError: text("last_error"),
    /** When the provider accepted the refund without finishing it: later calls ask it (queryRefund). */
    acceptedAt: timestamp("accepted_at", { withTimezone: true }),
    /**
     * The provider's reference of the payment this row returns (WeChat's transaction_id, Alipay's
     * trade_no), when it returns a payment that did not pay the order; null for the order's refund.
     * One row per provider payment: a repeated notification of it finds the row and changes nothing.
     */
    returnedPaymentRef: text("returned_payment_ref"),
    /** Why that payment was returned, a message code the customer reads: `duplicate` or `points_gone`. */
    returnCause: text("return_cause"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    settledAt: timestamp("settled_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("payment_refunds_order_key").on(t.orderId).where(sql`${t.returnedPaymentRef} is null`),
    uniqueIndex("payment_refunds_returned_payment_key").on(t.provider, t.returnedPaymentRef).where(sql`${t.returnedPaymentRef} is not null`),
    index("payment_refunds_order_idx").on(t.orderId),
    uniqueIndex("payment_refunds_out_refund_no_key").on(t.outRefundNo),
    index("payment_refunds_open_idx").on(t.createdAt).where(sql`${t.status} <> 'succeeded'`),
    check("payment_refunds_amount", sql`${t.amountFen} >= 0`),
    // WeChat's and Alipay's limit for the id: at most 32 of [A-Za-z0-9_].
    check("payment_refunds_out_refund_no", sql`${t.outRefundNo} ~ '^[A-Za-z0-9_]{1,32}$'`),
    check(
      "payment_refunds_return",
      sql`(${t.returnedPaymentRef} is null) = (${t.returnCause} is null) and (${t.returnCause} is null or ${t.returnCause} in ('duplicate', 'points_gone', 'account_deleted'))`,
    ),
    // Only a return is made by nobody: every refund of an order has the person who asked for it.
    check("payment_refunds_actor", sql`${t.actorUserId} is not null or ${t.returnedPaymentRef} is not null`),
    check(
      "payment_refunds_settled",
      sql`(${t.status} = 'pending') = (${t.settledAt} is null) and (${t.status} = 'failed') = (${t.failureReason} is not null)`,
    ),
  ],
);

export type PaymentRefund = typeof paymentRefunds.$inferSelect;
