import { sql } from "drizzle-orm";
import { bigint, check, integer, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { queueEntries } from "./queue-entries";
import { queues } from "./queues";
import { users } from "./users";

/** The audit record of each lucky draw: who ran it, among how many, the random value, the result. */
export const draws = pgTable(
  "draws",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    queueId: bigint("queue_id", { mode: "number" })
      .notNull()
      .references(() => queues.id),
    operatorUserId: bigint("operator_user_id", { mode: "number" })
      .notNull()
      .references(() => users.id),
    candidates: integer("candidates").notNull(),
    /** The cryptographic random value used, as drawn (hex), and the index it selected. */
    randomValue: text("random_value").notNull(),
    chosenIndex: integer("chosen_index").notNull(),
    queueEntryId: bigint("queue_entry_id", { mode: "number" })
      .notNull()
      .references(() => queueEntries.id),
    amountFen: bigint("amount_fen", { mode: "number" }).notNull(),
    capFen: bigint("cap_fen", { mode: "number" }).notNull(),
    reason: text("reason"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("draws_queue_entry_key").on(t.queueEntryId),
    check("draws_amount", sql`${t.amountFen} > 0 and ${t.amountFen} <= ${t.capFen} and ${t.candidates} >= 1`),
    check("draws_index", sql`${t.chosenIndex} >= 0 and ${t.chosenIndex} < ${t.candidates}`),
  ],
);
