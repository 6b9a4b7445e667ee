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
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check("queues_next_position_positive", sql`${t.nextPosition} >= 1`)],
);

export type Queue = typeof queues.$inferSelect;
