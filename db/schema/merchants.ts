import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  customType,
  doublePrecision,
  index,
  integer,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { payoutMode, queues } from "./queues";
import { users } from "./users";

export const merchantStatus = pgEnum("merchant_status", ["pending", "approved", "rejected", "closed"]);

export const merchants = pgTable(
  "merchants",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    ownerUserId: bigint("owner_user_id", { mode: "number" })
      .notNull()
      .references(() => users.id),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    status: merchantStatus("status").notNull().default("pending"),
    /** Set on approval. Alliance members point at the shared queue. */
    queueId: bigint("queue_id", { mode: "number" }).references(() => queues.id),
    /** The version number in rule_versions that applies to new orders. */
    ruleVersion: integer("rule_version").notNull().default(1),
    /** The operator's decision on the application, with its reason. */
    reviewedByUserId: bigint("reviewed_by_user_id", { mode: "number" }).references(() => users.id),
    reviewedAt: timestamp("reviewed_at", { withTimezone: true }),
    reviewReason: text("review_reason"),
    /** What the application asks for the operator to check (docs/merchants-and-rules.md). */
    businessName: text("business_name"),
    licenceNo: text("licence_no"),
    contactPhone: text("contact_phone"),
    /** The public profile the store page shows (lib/merchants/profile.ts). */
    address: text("address"),
    phone: text("phone"),
    hours: text("hours"),
    category: text("category"),
    latitude: doublePrecision("latitude"),
    longitude: doublePrecision("longitude"),
    /** An operator's suspension: no new orders while set; the queue and pool carry on unchanged. */
    suspendedAt: timestamp("suspended_at", { withTimezone: true }),
    suspendedReason: text("suspended_reason"),
    suspendedByUserId: bigint("suspended_by_user_id", { mode: "number" }).references(() => users.id),
    /** The owner's choice: the store's consoles ring when an order is paid (each device still needs a tap to sound). */
    ringNewOrders: boolean("ring_new_orders").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("merchants_slug_key").on(t.slug),
    uniqueIndex("merchants_owner_key").on(t.ownerUserId),
    check("merchants_slug_format", sql`${t.slug} ~ '^[a-z0-9][a-z0-9-]{1,40}$'`),
    check("merchants_approved_has_queue", sql`${t.status} <> 'approved' or ${t.queueId} is not null`),
    check(
      "merchants_category_known",
      sql`${t.category} is null or ${t.category} in ('restaurant', 'drinks', 'bakery', 'grocery', 'retail', 'services', 'other')`,
    ),
    check(
      "merchants_coordinates",
      sql`(${t.latitude} is null) = (${t.longitude} is null) and (${t.latitude} is null or (${t.latitude} between -90 and 90 and ${t.longitude} between -180 and 180))`,
    ),
    check("merchants_suspension_reason", sql`${t.suspendedAt} is null or ${t.suspendedReason} is not null`),
    index("merchants_category_idx").on(t.category),
  ],
);

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => "bytea" });

/** Stored photos are at most this many bytes (the resized JPEG; uploads are checked before). */
export const STORE_PHOTO_MAX_STORED_BYTES = 512 * 1024;

/**
 * A store's cover photo, resized and re-encoded (lib/merchants/photo.ts), kept in Postgres so every
 * instance serves the same bytes (/api/stores/[slug]/photo). One per store.
 */
export const storePhotos = pgTable(
  "store_photos",
  {
    merchantId: bigint("merchant_id", { mode: "number" })
      .primaryKey()
      .references(() => merchants.id),
    bytes: bytea("bytes").notNull(),
    contentType: text("content_type").notNull(),
    width: integer("width").notNull(),
    height: integer("height").notNull(),
    /** sha-256 of the bytes, hex: the ETag and the version in the photo's URL. */
    sha256: text("sha256").notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("store_photos_size", sql`octet_length(${t.bytes}) between 1 and ${sql.raw(String(STORE_PHOTO_MAX_STORED_BYTES))}`),
    check("store_photos_type", sql`${t.contentType} in ('image/jpeg')`),
    check("store_photos_dimensions", sql`${t.width} between 1 and 4000 and ${t.height} between 1 and 4000`),
  ],
);

/**
 * Rules are versioned (SPEC compliance rule 5): a change inserts a new row, and every order and
 * queue entry keeps the id of the version it joined under.
 */
export const ruleVersions = pgTable(
  "rule_versions",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    merchantId: bigint("merchant_id", { mode: "number" })
      .notNull()
      .references(() => merchants.id),
    version: integer("version").notNull(),
    rebateBps: integer("rebate_bps").notNull(),
    platformFeeBps: integer("platform_fee_bps").notNull(),
    pointsBps: integer("points_bps").notNull(),
    freeBps: integer("free_bps").notNull(),
    unitCapFen: bigint("unit_cap_fen", { mode: "number" }).notNull(),
    minOrderFen: bigint("min_order_fen", { mode: "number" }).notNull(),
    payoutMode: payoutMode("payout_mode").notNull(),
    exitCompBps: integer("exit_comp_bps").notNull(),
    releaseBpsPerDay: integer("release_bps_per_day").notNull(),
    pointsExpiryDays: integer("points_expiry_days").notNull(),
    createdByUserId: bigint("created_by_user_id", { mode: "number" }).references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("rule_versions_merchant_version_key").on(t.merchantId, t.version),
    check("rule_versions_rebate_range", sql`${t.rebateBps} between 300 and 5000`),
    check(
      "rule_versions_split_range",
      sql`${t.platformFeeBps} between 0 and 10000 and ${t.pointsBps} between 0 and 10000 and ${t.platformFeeBps} + ${t.pointsBps} <= 10000`,
    ),
    check("rule_versions_free_range", sql`${t.freeBps} between 1 and 10000`),
    check("rule_versions_amounts", sql`${t.unitCapFen} >= 0 and ${t.minOrderFen} >= 0`),
    check("rule_versions_exit_comp_range", sql`${t.exitCompBps} between 0 and 10000`),
    check("rule_versions_release_range", sql`${t.releaseBpsPerDay} between 1 and 10000`),
    check("rule_versions_expiry_range", sql`${t.pointsExpiryDays} >= 0`),
  ],
);

export type Merchant = typeof merchants.$inferSelect;
export type StorePhoto = typeof storePhotos.$inferSelect;
export type RuleVersion = typeof ruleVersions.$inferSelect;
