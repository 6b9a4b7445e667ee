import { sql } from "drizzle-orm";
import { bigint, check, integer, pgTable, primaryKey, timestamp } from "drizzle-orm/pg-core";
import { users } from "./users";

/**
 * Consents to the privacy notice (PIPL art. 14): one row per user and notice version they agreed
 * to, with the time. A new notice version asks everyone again, so earlier rows are kept as history.
 */
export const privacyConsents = pgTable(
  "privacy_consents",
  {
    userId: bigint("user_id", { mode: "number" })
      .notNull()
      .references(() => users.id),
    noticeVersion: integer("notice_version").notNull(),
    consentedAt: timestamp("consented_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.noticeVersion] }), check("privacy_consents_version_positive", sql`${t.noticeVersion} >= 1`)],
);

export type PrivacyConsent = typeof privacyConsents.$inferSelect;
