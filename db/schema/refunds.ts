import { sql } from "drizzle-orm";
import { bigint, check, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { orders } from "./orders";
import { users } from "./users";

/** A refund returned through the payment provider: at most one per order. */
export const paymentRefunds = pgTable(
  "payment_refunds",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    orderId: bigint("order_id", { mode: "number" })
      .notNull()
      .references(() => orders.id),
    provider: text("provider").notNull(),
    providerRef: text("provider_ref").notNull(),
    amountFen: bigint("amount_fen", { mode: "number" }).notNull(),
    actorUserId: bigint("actor_user_id", { mode: "number" })
      .notNull()
      .references(() => users.id),
    reason: text("reason"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("payment_refunds_order_key").on(t.orderId), check("payment_refunds_amount", sql`${t.amountFen} >= 0`)],
);
