import { sql } from "drizzle-orm";
import { check, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Failed-password counters, one row per bucket: `account:<login name>`, `address:<client address>`
 * or `withdraw:<user id>` (lib/auth/throttle.ts). A row is locked while an attempt is admitted, so
 * concurrent wrong attempts cannot slip past the limit. The account bucket is keyed by the name as
 * typed (lower-cased), whether or not such a user exists, so a lockout reveals nothing.
 */
export const authThrottles = pgTable(
  "auth_throttles",
  {
    key: text("key").primaryKey(),
    /** Attempts admitted in the current window that have not been cleared by a success. */
    failures: integer("failures").notNull().default(0),
    windowStartedAt: timestamp("window_started_at", { withTimezone: true }).notNull().defaultNow(),
    /** Lockouts so far: each doubles the next one (backoff), up to a cap. */
    strikes: integer("strikes").notNull().default(0),
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("auth_throttles_counts", sql`${t.failures} >= 0 and ${t.strikes} >= 0`),
    check("auth_throttles_key_len", sql`length(${t.key}) between 1 and 200`),
  ],
);

export type AuthThrottle = typeof authThrottles.$inferSelect;
