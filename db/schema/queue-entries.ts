import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  index,
  pgEnum,
  pgTable,
  timestamp,
  uniqueIndex,
  type AnyPgColumn,
} from "drizzle-orm/pg-core";
import { ledgerTransactions } from "./ledger";
import { merchants, ruleVersions } from "./merchants";
import { orders } from "./orders";
import { queues } from "./queues";
import { users } from "./users";

// `moved`: the place an entry held in a queue it was moved out of (lib/queue/move.ts). The entry
// itself lives on, with its id, in the new queue; this row keeps the old queue's positions and
// counters whole, as an entry settled out of order does.
export const entryStatus = pgEnum("entry_status", ["waiting", "paid", "left", "cancelled", "moved"]);
export const payoutKind = pgEnum("payout_kind", ["fifo", "draw"]);

export const queueEntries = pgTable(
  "queue_entries",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    queueId: bigint("queue_id", { mode: "number" })
      .notNull()
      .references(() => queues.id),
    orderId: bigint("order_id", { mode: "number" })
      .notNull()
      .references(() => orders.id),
    customerId: bigint("customer_id", { mode: "number" })
      .notNull()
      .references(() => users.id),
    merchantId: bigint("merchant_id", { mode: "number" })
      .notNull()
      .references(() => merchants.id),
    ruleVersionId: bigint("rule_version_id", { mode: "number" })
      .notNull()
      .references(() => ruleVersions.id),
    /** Assigned under the queue lock from queues.next_position, so it follows commit order. */
    position: bigint("position", { mode: "number" }).notNull(),
    targetFen: bigint("target_fen", { mode: "number" }).notNull(),
    /** Sum of the targets of the entries appended to this queue before this one (set under the lock). */
    cumFen: bigint("cum_fen", { mode: "number" }).notNull().default(0),
    status: entryStatus("status").notNull().default("waiting"),
    paidKind: payoutKind("paid_kind"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    settledAt: timestamp("settled_at", { withTimezone: true }),
    /** For a `moved` row: the entry that held this place and now waits in another queue. */
    movedEntryId: bigint("moved_entry_id", { mode: "number" }).references((): AnyPgColumn => queueEntries.id),
  },
  (t) => [
    uniqueIndex("queue_entries_queue_position_key").on(t.queueId, t.position),
    // The drain and position lookups walk only waiting entries, in position order.
    index("queue_entries_waiting_idx")
      .on(t.queueId, t.position)
      .where(sql`${t.status} = 'waiting'`),
    // Entries settled out of FIFO order (left, refunded, drawn): the few that a place in line must
    // subtract between the queue's paid-through frontier and the entry (lib/queue/ahead.ts).
    index("queue_entries_settled_early_idx")
      .on(t.queueId, t.position, t.targetFen)
      .where(sql`${t.status} <> 'waiting' and ${t.paidKind} is distinct from 'fifo'`),
    index("queue_entries_customer_idx").on(t.customerId, t.id),
    index("queue_entries_order_idx").on(t.orderId),
    check("queue_entries_target_positive", sql`${t.targetFen} > 0`),
    check("queue_entries_paid_kind", sql`(${t.status} = 'paid') = (${t.paidKind} is not null)`),
    check("queue_entries_settled_at", sql`(${t.status} = 'waiting') = (${t.settledAt} is null)`),
    // Compared as text: a migration cannot use an enum value in the transaction that adds it.
    check("queue_entries_moved_entry", sql`(${t.status}::text = 'moved') = (${t.movedEntryId} is not null)`),
  ],
);

/** I4: exactly one payout per paid entry, enforced by the unique key on queue_entry_id. */
export const payouts = pgTable(
  "payouts",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    queueEntryId: bigint("queue_entry_id", { mode: "number" })
      .notNull()
      .references(() => queueEntries.id),
    queueId: bigint("queue_id", { mode: "number" })
      .notNull()
      .references(() => queues.id),
    customerId: bigint("customer_id", { mode: "number" })
      .notNull()
      .references(() => users.id),
    amountFen: bigint("amount_fen", { mode: "number" }).notNull(),
    kind: payoutKind("kind").notNull(),
    transactionId: bigint("transaction_id", { mode: "number" })
      .notNull()
      .references(() => ledgerTransactions.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("payouts_queue_entry_key").on(t.queueEntryId),
    index("payouts_queue_created_idx").on(t.queueId, t.id),
    check("payouts_amount_positive", sql`${t.amountFen} > 0`),
  ],
);

export type QueueEntry = typeof queueEntries.$inferSelect;
export type Payout = typeof payouts.$inferSelect;
