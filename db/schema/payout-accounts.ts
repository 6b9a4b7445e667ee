import { sql } from "drizzle-orm";
import { bigint, check, index, pgEnum, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { users } from "./users";

/** Where a withdrawal can be paid to: a WeChat user's balance (商家转账) or an Alipay account (单笔转账). */
export const payoutAccountKind = pgEnum("payout_account_kind", ["wechat", "alipay"]);

/**
 * A customer's bound payout account. Rows are never edited: binding again writes a new row and
 * marks the previous one unbound, so a withdrawal keeps pointing at the account it was requested
 * for while its transfer is on its way. At most one bound account of each kind per customer.
 */
export const payoutAccounts = pgTable(
  "payout_accounts",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    userId: bigint("user_id", { mode: "number" })
      .notNull()
      .references(() => users.id),
    kind: payoutAccountKind("kind").notNull(),
    /** WeChat: the customer's openid for our app id, from WeChat's OAuth (snsapi_base). */
    openid: text("openid"),
    /** Alipay: the logon id (a mainland phone number or an email address) … */
    alipayAccount: text("alipay_account"),
    /** … and the real name Alipay checks it against. */
    realName: text("real_name"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    unboundAt: timestamp("unbound_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("payout_accounts_bound_key").on(t.userId, t.kind).where(sql`${t.unboundAt} is null`),
    index("payout_accounts_user_idx").on(t.userId),
    check(
      "payout_accounts_fields",
      sql`case ${t.kind}::text
        when 'wechat' then ${t.openid} is not null and length(${t.openid}) between 6 and 64 and ${t.alipayAccount} is null and ${t.realName} is null
        else ${t.openid} is null and ${t.alipayAccount} is not null and length(${t.alipayAccount}) between 3 and 100 and ${t.realName} is not null and length(${t.realName}) between 1 and 40
      end`,
    ),
  ],
);

export type PayoutAccountRow = typeof payoutAccounts.$inferSelect;
