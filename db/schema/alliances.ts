import { sql } from "drizzle-orm";
import { bigint, check, index, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { merchants } from "./merchants";
import { queues } from "./queues";
import { users } from "./users";

/**
 * 异业联盟: several merchants sharing one queue and one pool. Members point merchants.queue_id at it.
 * A dissolved alliance keeps its row (and its emptied queue) as history.
 */
export const alliances = pgTable(
  "alliances",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    name: text("name").notNull(),
    queueId: bigint("queue_id", { mode: "number" })
      .notNull()
      .references(() => queues.id),
    createdByUserId: bigint("created_by_user_id", { mode: "number" })
      .notNull()
      .references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    dissolvedAt: timestamp("dissolved_at", { withTimezone: true }),
    dissolvedByUserId: bigint("dissolved_by_user_id", { mode: "number" }).references(() => users.id),
  },
  (t) => [
    uniqueIndex("alliances_queue_key").on(t.queueId),
    check("alliances_dissolved_pair", sql`(${t.dissolvedAt} is null) = (${t.dissolvedByUserId} is null)`),
  ],
);

/**
 * Who joined an alliance, and the store's own queue, which it gets back when the alliance is
 * dissolved. `broughtPoolFen` is what the store's own pool handed over on joining; it weighs the
 * store's claim on a pool left over when nobody waits (lib/merchants/alliance-split.ts).
 */
export const allianceMembers = pgTable(
  "alliance_members",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    allianceId: bigint("alliance_id", { mode: "number" })
      .notNull()
      .references(() => alliances.id),
    merchantId: bigint("merchant_id", { mode: "number" })
      .notNull()
      .references(() => merchants.id),
    ownQueueId: bigint("own_queue_id", { mode: "number" })
      .notNull()
      .references(() => queues.id),
    broughtPoolFen: bigint("brought_pool_fen", { mode: "number" }).notNull().default(0),
    broughtEntries: bigint("brought_entries", { mode: "number" }).notNull().default(0),
    joinedAt: timestamp("joined_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("alliance_members_key").on(t.allianceId, t.merchantId),
    index("alliance_members_merchant_idx").on(t.merchantId),
    check("alliance_members_brought", sql`${t.broughtPoolFen} >= 0 and ${t.broughtEntries} >= 0`),
  ],
);

export type Alliance = typeof alliances.$inferSelect;
export type AllianceMemberRow = typeof allianceMembers.$inferSelect;
