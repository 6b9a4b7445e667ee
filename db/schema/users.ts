import { sql } from "drizzle-orm";
import { bigint, check, integer, pgEnum, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

export const userRole = pgEnum("user_role", ["customer", "merchant", "operator"]);

export const users = pgTable(
  "users",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    /** Login name, stored lower-cased. A mainland phone number is also stored here. */
    username: text("username").notNull(),
    phone: text("phone"),
    passwordHash: text("password_hash").notNull(),
    role: userRole("role").notNull().default("customer"),
    displayName: text("display_name").notNull(),
    /**
     * Carried in every session token; logging out bumps it, so every token issued before stops
     * working (lib/auth/session.ts compares them on each request).
     */
    sessionVersion: integer("session_version").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    /**
     * Set when the person deleted their account: the row stays, stripped of everything personal,
     * as the anonymous owner of the ledger rows that must be kept (lib/privacy/deletion.ts).
     */
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("users_username_key").on(t.username),
    uniqueIndex("users_phone_key").on(t.phone),
    check("users_username_lower", sql`${t.username} = lower(${t.username}) and length(${t.username}) between 3 and 32`),
    check("users_display_name_len", sql`length(${t.displayName}) between 1 and 64`),
  ],
);

export type User = typeof users.$inferSelect;
