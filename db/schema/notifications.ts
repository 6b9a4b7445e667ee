import { sql } from "drizzle-orm";
import { bigint, check, index, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { users } from "./users";

/**
 * What a customer is told about (SPEC "Notifications"). `security` cannot be turned off: a check on
 * notification_mutes refuses it.
 */
export const notificationKind = pgEnum("notification_kind", [
  "entry_freed",
  "refund_done",
  "withdrawal_paid",
  "withdrawal_failed",
  "points_expiring",
  "security",
]);

/** The channels besides the in-app list, which always holds every notification. */
export const notificationChannel = pgEnum("notification_channel", ["push", "sms"]);

/**
 * The outbox and the in-app list in one: a row is written in the transaction of the event it tells
 * about, with a durable job that delivers it after commit. It stores a kind and its parameters,
 * never a sentence: the list renders it in the reader's language.
 */
export const notifications = pgTable(
  "notifications",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    userId: bigint("user_id", { mode: "number" })
      .notNull()
      .references(() => users.id),
    kind: notificationKind("kind").notNull(),
    /** Numbers and short identifiers only (amounts in fen, points, an order number). */
    params: jsonb("params").notNull().default({}),
    /**
     * What the notification is about (`entry:42`, `refund:RF…`): one notification per subject, so
     * an event told twice (a job retried, a webhook repeated) makes one row.
     */
    subject: text("subject").notNull(),
    readAt: timestamp("read_at", { withTimezone: true }),
    /** Each channel's delivery, once done (or found not wanted): a retried job skips it. */
    pushDoneAt: timestamp("push_done_at", { withTimezone: true }),
    smsDoneAt: timestamp("sms_done_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("notifications_user_subject_key").on(t.userId, t.kind, t.subject),
    index("notifications_user_idx").on(t.userId, t.id),
    index("notifications_unread_idx").on(t.userId).where(sql`${t.readAt} is null`),
    check("notifications_subject_len", sql`length(${t.subject}) between 1 and 200`),
  ],
);

/** A kind's channel the customer turned off (no row: on). */
export const notificationMutes = pgTable(
  "notification_mutes",
  {
    userId: bigint("user_id", { mode: "number" })
      .notNull()
      .references(() => users.id),
    kind: notificationKind("kind").notNull(),
    channel: notificationChannel("channel").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.kind, t.channel] }), check("notification_mutes_not_security", sql`${t.kind} <> 'security'`)],
);

/** A browser's Web Push subscription (PushSubscription.toJSON()), one row per endpoint. */
export const pushSubscriptions = pgTable(
  "push_subscriptions",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    userId: bigint("user_id", { mode: "number" })
      .notNull()
      .references(() => users.id),
    endpoint: text("endpoint").notNull(),
    /** The browser's P-256 public key and auth secret, base64url, as the subscription gives them. */
    p256dh: text("p256dh").notNull(),
    auth: text("auth").notNull(),
    /** The language the page was in when the browser subscribed: its pushes are written in it. */
    locale: text("locale").notNull().default("zh-CN"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("push_subscriptions_endpoint_key").on(t.endpoint),
    index("push_subscriptions_user_idx").on(t.userId),
    check("push_subscriptions_endpoint_https", sql`${t.endpoint} ~ '^https?://' and length(${t.endpoint}) <= 1000`),
    check("push_subscriptions_locale", sql`${t.locale} in ('zh-CN', 'en')`),
    check("push_subscriptions_keys_len", sql`length(${t.p256dh}) between 80 and 100 and length(${t.auth}) between 16 and 32`),
  ],
);

export type Notification = typeof notifications.$inferSelect;
export type PushSubscriptionRow = typeof pushSubscriptions.$inferSelect;
