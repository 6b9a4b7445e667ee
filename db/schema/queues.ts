import { sql } from "drizzle-orm";
import { bigint, check, pgEnum, pgTable, text, timestamp } from "drizzle-orm/pg-core";

export const payoutMode = pgEnum("payout_mode", ["auto", "manual"]);

/**
 * A free-order queue. Usually one per merchant; an alliance shares one between merchants.
 * The queue's mutex is its pool account row (see lib/queue/lock.ts), not this row.
 */
export const queues = pgTable(
  "queues",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    name: text("name").notNull(),
    payoutMode: payoutMode("payout_mode").notNull().default("auto"),
    /** Next position to hand out; only advanced while the pool row is locked, so positions follow commit order. */
    nextPosition: bigint("next_position", { mode: "number" }).notNull().default(1),
    /**
     * Running counters that make a place in line O(log n) (lib/queue/ahead.ts). All advanced under
     * the queue lock: `appendedFen` with next_position (targets of every entry ever appended);
     * `paidThroughPosition` / `paidThroughFen` by the FIFO drain (every entry at or before that
     * position is settled, and the targets of those entries sum to paidThroughFen).
     */
    appendedFen: bigint("appended_fen", { mode: "number" }).notNull().default(0),
    paidThroughPosition: bigint("paid_through_position", { mode: "number" }).notNull().default(0),
    paidThroughFen: bigint("paid_through_fen", { mode: "number" }).notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("queues_next_position_positive", sql`${t.nextPosition} >= 1`),
    check("queues_paid_through", sql`${t.paidThroughPosition} >= 0 and ${t.paidThroughPosition} < ${t.nextPosition}`),
    check("queues_counters_fen", sql`${t.paidThroughFen} >= 0 and ${t.paidThroughFen} <= ${t.appendedFen}`),
  ],
);

export type Queue = typeof queues.$inferSelect;
