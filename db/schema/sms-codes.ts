import { sql } from "drizzle-orm";
import { bigint, check, index, integer, pgEnum, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** What a code proves: a number being registered is the registrant's, or a forgotten password's owner. */
export const smsCodePurpose = pgEnum("sms_code_purpose", ["register", "reset"]);

/**
 * One-time codes sent by SMS (lib/auth/sms-code.ts). Only an HMAC of the code is kept. A code is good
 * for 5 minutes and 5 tries; sending a new one retires the ones before it.
 */
export const smsCodes = pgTable(
  "sms_codes",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    phone: text("phone").notNull(),
    purpose: smsCodePurpose("purpose").notNull(),
    codeHash: text("code_hash").notNull(),
    /** Wrong codes tried against this one. */
    attempts: integer("attempts").notNull().default(0),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    /** Used, or retired by a newer code. */
    consumedAt: timestamp("consumed_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("sms_codes_phone_idx").on(t.phone, t.purpose, t.id),
    check("sms_codes_phone", sql`${t.phone} ~ '^1[3-9][0-9]{9}$'`),
    check("sms_codes_attempts", sql`${t.attempts} >= 0`),
  ],
);
