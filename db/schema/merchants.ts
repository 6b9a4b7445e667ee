import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  integer,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { payoutMode, queues } from "./queues";
import { users } from "./users";

export const merchantStatus = pgEnum("merchant_status", ["pending", "approved", "rejected", "closed"]);

export const merchants = pgTable(
  "merchants",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    ownerUserId: bigint("owner_user_id", { mode: "number" })
      .notNull()
      .references(() => users.id),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    status: merchantStatus("status").notNull().default("pending"),
    /** Set on approval. Alliance members point at the shared queue. */
    queueId: bigint("queue_id", { mode: "number" }).references(() => queues.id),
    /** The version number in rule_versions that applies to new orders. */
    ruleVersion: integer("rule_version").notNull().default(1),
    /** The operator's decision on the application, with its reason. */
    reviewedByUserId: bigint("reviewed_by_user_id", { mode: "number" }).references(() => users.id),
    reviewedAt: timestamp("reviewed_at", { withTimezone: true }),
    reviewReason: text("review_reason"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("merchants_slug_key").on(t.slug),
    uniqueIndex("merchants_owner_key").on(t.ownerUserId),
    check("merchants_slug_format", sql`${t.slug} ~ '^[a-z0-9][a-z0-9-]{1,40}$'`),
    check("merchants_approved_has_queue", sql`${t.status} <> 'approved' or ${t.queueId} is not null`),
  ],
);

/**
 * Rules are versioned (SPEC compliance rule 5): a change inserts a new row, and every order and
 * queue entry keeps the id of the version it joined under.
 */
export const ruleVersions = pgTable(
  "rule_versions",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    merchantId: bigint("merchant_id", { mode: "number" })
      .notNull()
      .references(() => merchants.id),
    version: integer("version").notNull(),
    rebateBps: integer("rebate_bps").notNull(),
    platformFeeBps: integer("platform_fee_bps").notNull(),
    pointsBps: integer("points_bps").notNull(),
    freeBps: integer("free_bps").notNull(),
    unitCapFen: bigint("unit_cap_fen", { mode: "number" }).notNull(),
    minOrderFen: bigint("min_order_fen", { mode: "number" }).notNull(),
    payoutMode: payoutMode("payout_mode").notNull(),
    exitCompBps: integer("exit_comp_bps").notNull(),
    releaseBpsPerDay: integer("release_bps_per_day").notNull(),
    pointsExpiryDays: integer("points_expiry_days").notNull(),
    createdByUserId: bigint("created_by_user_id", { mode: "number" }).references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("rule_versions_merchant_version_key").on(t.merchantId, t.version),
    check("rule_versions_rebate_range", sql`${t.rebateBps} between 300 and 5000`),
    check(
      "rule_versions_split_range",
      sql`${t.platformFeeBps} between 0 and 10000 and ${t.pointsBps} between 0 and 10000 and ${t.platformFeeBps} + ${t.pointsBps} <= 10000`,
    ),
    check("rule_versions_free_range", sql`${t.freeBps} between 1 and 10000`),
    check("rule_versions_amounts", sql`${t.unitCapFen} >= 0 and ${t.minOrderFen} >= 0`),
    check("rule_versions_exit_comp_range", sql`${t.exitCompBps} between 0 and 10000`),
    check("rule_versions_release_range", sql`${t.releaseBpsPerDay} between 1 and 10000`),
    check("rule_versions_expiry_range", sql`${t.pointsExpiryDays} >= 0`),
  ],
);

export type Merchant = typeof merchants.$inferSelect;
export type RuleVersion = typeof ruleVersions.$inferSelect;
