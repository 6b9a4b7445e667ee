import { sql } from "drizzle-orm";
import { pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * The job runners alive, each as it last said (lib/worker/heartbeat.ts): a runner process writes
 * its row and its graphile-worker worker ids, and refreshes `seen_at` every few seconds. A job
 * locked by a worker no fresh row names belongs to a runner that is gone (SIGKILL, a crashed
 * machine): the runners free such jobs within minutes rather than graphile-worker's 4 hours.
 */
export const jobRunners = pgTable("job_runners", {
  instanceId: text("instance_id").primaryKey(),
  workerIds: text("worker_ids")
    .array()
    .notNull()
    .default(sql`'{}'::text[]`),
  host: text("host").notNull(),
  pid: text("pid").notNull(),
  startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
  seenAt: timestamp("seen_at", { withTimezone: true }).notNull().defaultNow(),
});
