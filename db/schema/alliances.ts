import { bigint, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { queues } from "./queues";
import { users } from "./users";

/** 异业联盟: several merchants sharing one queue and one pool. Members point merchants.queue_id at it. */
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
  },
  (t) => [uniqueIndex("alliances_queue_key").on(t.queueId)],
);

export type Alliance = typeof alliances.$inferSelect;
