import { sql } from "drizzle-orm";
import { bigint, check, date, index, pgEnum, pgTable, primaryKey, timestamp } from "drizzle-orm/pg-core";
import { ledgerTransactions } from "./ledger";
import { users } from "./users";

export const lotSource = pgEnum("points_lot_source", ["release", "adjustment", "refund"]);

/**
 * Available points, by lot: each release (or adjustment) makes a lot that expires on its own date.
 * Spending and expiry take from the oldest lots first. The lots' remaining points always add up to
 * the customer's points_available balance (checked by ledger:verify).
 */
export const pointsLots = pgTable(
  "points_lots",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    userId: bigint("user_id", { mode: "number" })
      .notNull()
      .references(() => users.id),
    source: lotSource("source").notNull(),
    points: bigint("points", { mode: "number" }).notNull(),
    remaining: bigint("remaining", { mode: "number" }).notNull(),
    releasedAt: timestamp("released_at", { withTimezone: true }).notNull().defaultNow(),
    /** Null: never expires (points_expiry_days = 0). */
    expiresAt: timestamp("expires_at", { withTimezone: true }),
  },
  (t) => [
    check("points_lots_remaining", sql`${t.points} > 0 and ${t.remaining} between 0 and ${t.points}`),
    index("points_lots_user_open_idx").on(t.userId, t.releasedAt, t.id).where(sql`${t.remaining} > 0`),
    index("points_lots_expiry_idx").on(t.expiresAt).where(sql`${t.remaining} > 0 and ${t.expiresAt} is not null`),
  ],
);

/** One release per customer per day: the primary key makes the daily job idempotent. */
export const pointsReleases = pgTable(
  "points_releases",
  {
    userId: bigint("user_id", { mode: "number" })
      .notNull()
      .references(() => users.id),
    day: date("day", { mode: "string" }).notNull(),
    points: bigint("points", { mode: "number" }).notNull(),
    transactionId: bigint("transaction_id", { mode: "number" })
      .notNull()
      .references(() => ledgerTransactions.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.day] }), check("points_releases_positive", sql`${t.points} > 0`)],
);

export type PointsLot = typeof pointsLots.$inferSelect;
