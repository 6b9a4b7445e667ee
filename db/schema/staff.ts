import { sql } from "drizzle-orm";
import { bigint, check, index, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { merchants } from "./merchants";
import { users } from "./users";

/**
 * Invitations a store owner hands to a cashier. Only a hash of the code is stored (the owner sees
 * the code once, like an API key); an invitation is used once, and expires.
 */
export const staffInvites = pgTable(
  "staff_invites",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    merchantId: bigint("merchant_id", { mode: "number" })
      .notNull()
      .references(() => merchants.id),
    codeHash: text("code_hash").notNull(),
    createdByUserId: bigint("created_by_user_id", { mode: "number" })
      .notNull()
      .references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    acceptedByUserId: bigint("accepted_by_user_id", { mode: "number" }).references(() => users.id),
    acceptedAt: timestamp("accepted_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("staff_invites_code_key").on(t.codeHash),
    index("staff_invites_merchant_idx").on(t.merchantId),
    check("staff_invites_accepted_pair", sql`(${t.acceptedByUserId} is null) = (${t.acceptedAt} is null)`),
  ],
);

/**
 * Cashiers of a store. A revoked row stays (who worked the till, and when); a person is the active
 * cashier of at most one store.
 */
export const merchantStaff = pgTable(
  "merchant_staff",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    merchantId: bigint("merchant_id", { mode: "number" })
      .notNull()
      .references(() => merchants.id),
    userId: bigint("user_id", { mode: "number" })
      .notNull()
      .references(() => users.id),
    inviteId: bigint("invite_id", { mode: "number" }).references(() => staffInvites.id),
    addedAt: timestamp("added_at", { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    revokedByUserId: bigint("revoked_by_user_id", { mode: "number" }).references(() => users.id),
  },
  (t) => [
    uniqueIndex("merchant_staff_active_user_key").on(t.userId).where(sql`${t.revokedAt} is null`),
    index("merchant_staff_merchant_idx").on(t.merchantId),
  ],
);

export type StaffInvite = typeof staffInvites.$inferSelect;
export type MerchantStaff = typeof merchantStaff.$inferSelect;
