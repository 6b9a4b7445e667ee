import "server-only";
import { and, eq, sql } from "drizzle-orm";
import { db, type Tx } from "@/db";
import { containsPattern } from "@/db/like";
import { mapRows } from "@/db/rows";
import { merchants, storePhotos, type Merchant } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { DomainError } from "@/lib/errors";
import type { PreparedPhoto } from "./photo";
import { isStoreCategory, type ProfileInput, type StoreCategory } from "./profile-schema";

/** The owner's approved store, locked for the change (a suspension or closing waits for it). */
async function ownStore(tx: Tx, ownerUserId: number): Promise<Merchant> {
  const [m] = await tx.select().from(merchants).where(eq(merchants.ownerUserId, ownerUserId)).for("no key update");
  if (!m || m.status !== "approved") throw new DomainError("forbidden", "merchant.notApproved");
  return m;
}

/**
 * The owner edits the store's public profile (address, phone, hours, category, coordinates). Fields
 * left empty are cleared. Audited as `store.profile` with the fields that changed.
 */
export async function updateProfile(tx: Tx, args: { ownerUserId: number; profile: ProfileInput }): Promise<{ slug: string; changed: string[] }> {
  const store = await ownStore(tx, args.ownerUserId);
  const p = args.profile;
  const next = {
    address: p.address ?? null,
    phone: p.storePhone ?? null,
    hours: p.hours ?? null,
    category: p.category ?? null,
    latitude: p.latitude ?? null,
    longitude: p.longitude ?? null,
  };
  const changed = (Object.keys(next) as (keyof typeof next)[]).filter((k) => store[k] !== next[k]);
  if (changed.length === 0) return { slug: store.slug, changed };
  await tx.update(merchants).set(next).where(eq(merchants.id, store.id));
  await recordAudit(tx, { actorUserId: args.ownerUserId, action: "store.profile", subjectType: "merchant", subjectId: store.id, details: { changed } });
  return { slug: store.slug, changed };
}

/** Stores (or replaces) the owner's cover photo, already checked and resized by preparePhoto. */
export async function saveStorePhoto(tx: Tx, args: { ownerUserId: number; photo: PreparedPhoto }): Promise<{ slug: string; sha256: string }> {
  const store = await ownStore(tx, args.ownerUserId);
  const { bytes, width, height, sha256, contentType } = args.photo;
  await tx
    .insert(storePhotos)
    .values({ merchantId: store.id, bytes, width, height, sha256, contentType })
    .onConflictDoUpdate({ target: storePhotos.merchantId, set: { bytes, width, height, sha256, contentType, updatedAt: sql`now()` } });
  await recordAudit(tx, { actorUserId: args.ownerUserId, action: "store.photo", subjectType: "merchant", subjectId: store.id, details: { sha256, width, height, bytes: bytes.length } });
  return { slug: store.slug, sha256 };
}

/** Removes the owner's cover photo (nothing happens when there is none). */
export async function deleteStorePhoto(tx: Tx, args: { ownerUserId: number }): Promise<{ slug: string; removed: boolean }> {
  const store = await ownStore(tx, args.ownerUserId);
  const gone = await tx.delete(storePhotos).where(eq(storePhotos.merchantId, store.id)).returning({ id: storePhotos.merchantId });
  if (gone.length > 0) {
    await recordAudit(tx, { actorUserId: args.ownerUserId, action: "store.photo.delete", subjectType: "merchant", subjectId: store.id });
  }
  return { slug: store.slug, removed: gone.length > 0 };
}

/** The photo of an open (approved) store, by slug, for the photo route; null when there is none. */
export async function storePhotoBySlug(slug: string): Promise<{ bytes: Buffer; contentType: string; sha256: string; updatedAt: Date } | null> {
  const [r] = await db
    .select({ bytes: storePhotos.bytes, contentType: storePhotos.contentType, sha256: storePhotos.sha256, updatedAt: storePhotos.updatedAt })
    .from(storePhotos)
    .innerJoin(merchants, eq(merchants.id, storePhotos.merchantId))
    .where(and(eq(merchants.slug, slug), eq(merchants.status, "approved")));
  return r ?? null;
}

/** The photo's version (a prefix of its hash) for the URL, or null when the store has none. */
export async function storePhotoVersion(merchantId: number): Promise<string | null> {
  const [r] = await db.select({ sha256: storePhotos.sha256 }).from(storePhotos).where(eq(storePhotos.merchantId, merchantId)).limit(1);
  return r ? r.sha256.slice(0, 16) : null;
}

/** The photo's public address; `v` makes each version its own URL, cached for a long time. */
export function photoPath(slug: string, version: string): string {
  return `/api/stores/${slug}/photo?v=${version}`;
}

/** The public profile of a store, as the store page shows it. */
export type StoreProfile = {
  address: string | null;
  phone: string | null;
  hours: string | null;
  category: StoreCategory | null;
  latitude: number | null;
  longitude: number | null;
  photoVersion: string | null;
};

export function profileOf(m: Merchant, photoVersion: string | null): StoreProfile {
  return {
    address: m.address,
    phone: m.phone,
    hours: m.hours,
    category: isStoreCategory(m.category) ? m.category : null,
    latitude: m.latitude,
    longitude: m.longitude,
    photoVersion,
  };
}

export type StoreListing = {
  slug: string;
  name: string;
  category: StoreCategory | null;
  address: string | null;
  suspended: boolean;
  photoVersion: string | null;
  /** Metres from the visitor, when they shared a location and the store has coordinates. */
  distanceM: number | null;
};

const EARTH_RADIUS_M = 6_371_000;
/** How far "nearby" reaches. */
export const NEARBY_RADIUS_M = 20_000;
const LIST_LIMIT = 200;


/**
 * The open stores for the home page: by name, or nearest first when the visitor's location is
 * given (great-circle distance by the haversine formula, computed in SQL; stores without
 * coordinates, or further than NEARBY_RADIUS_M, are left out of that list). `q` matches names,
 * `category` narrows to one category.
 */
export async function listStores(opts: { q?: string; category?: StoreCategory; near?: { lat: number; lng: number } } = {}): Promise<StoreListing[]> {
  const near = opts.near;
  const distance = near
    ? sql`(2 * ${EARTH_RADIUS_M} * asin(sqrt(
        power(sin(radians(m.latitude - ${near.lat}) / 2), 2) +
        cos(radians(${near.lat})) * cos(radians(m.latitude)) * power(sin(radians(m.longitude - ${near.lng}) / 2), 2))))`
    : sql`null::float8`;
  const where = [sql`m.status = 'approved'`];
  if (opts.q) where.push(sql`m.name ilike ${containsPattern(opts.q)}`);
  if (opts.category) where.push(sql`m.category = ${opts.category}`);
  if (near) where.push(sql`m.latitude is not null`);
  const res = await db.execute(sql`
    select * from (
      select m.slug, m.name, m.category, m.address, m.suspended_at is not null as suspended, p.sha256, ${distance} as distance_m
      from merchants m left join store_photos p on p.merchant_id = m.id
      where ${sql.join(where, sql` and `)}
    ) s
    ${near ? sql`where s.distance_m <= ${NEARBY_RADIUS_M} order by s.distance_m, s.name` : sql`order by s.name, s.slug`}
    limit ${LIST_LIMIT}`);
  return mapRows(res, (r) => {
    const category = r.strOrNull("category");
    const sha256 = r.strOrNull("sha256");
    return {
      slug: r.str("slug"),
      name: r.str("name"),
      category: isStoreCategory(category) ? category : null,
      address: r.strOrNull("address"),
      suspended: r.bool("suspended"),
      photoVersion: sha256 ? sha256.slice(0, 16) : null,
      // Near a location, only stores within the radius (so with a distance) are listed.
      distanceM: near ? Math.round(r.decimal("distance_m")) : null,
    };
  });
}
