import { sql } from "drizzle-orm";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { db } from "@/db";
import { inTransaction } from "@/db/transaction";
import { makeStore } from "@/lib/testing/fixtures";
import { GIF_BYTES, greyPng, HTML_BYTES, pngBomb } from "@/lib/testing/images";
import { PHOTO_MAX_SIDE, PHOTO_MAX_UPLOAD_BYTES, preparePhoto } from "./photo";
import { listStores, saveStorePhoto, storePhotoBySlug, updateProfile } from "./profile";
import { profileFormSchema } from "./profile-schema";
import { suggestSlug } from "./slug-suggestion";

const ownerOf = async (merchantId: number) =>
  Number((await db.execute<{ o: number }>(sql`select owner_user_id as o from merchants where id = ${merchantId}`)).rows[0]!.o);

const photoCount = async (merchantId: number) =>
  Number((await db.execute<{ n: number }>(sql`select count(*)::int as n from store_photos where merchant_id = ${merchantId}`)).rows[0]!.n);

async function jpeg(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 120, b: 40 } } }).jpeg().toBuffer();
}

describe("store profile", () => {
  it("saves the profile fields, audits what changed, and a repeat changes nothing", async () => {
    const store = await makeStore();
    const owner = await ownerOf(store.id);
    const profile = profileFormSchema.parse({
      address: " 上海市黄浦区南京东路 1 号 ",
      storePhone: "021-6321 0000",
      hours: "每天 10:00–22:00",
      category: "drinks",
      latitude: "31.2354",
      longitude: "121.4807",
    });
    const first = await inTransaction((tx) => updateProfile(tx, { ownerUserId: owner, profile }));
    expect(first.changed.sort()).toEqual(["address", "category", "hours", "latitude", "longitude", "phone"]);
    const again = await inTransaction((tx) => updateProfile(tx, { ownerUserId: owner, profile }));
    expect(again.changed).toEqual([]);
    const row = (await db.execute<Record<string, unknown>>(sql`select address, phone, hours, category, latitude, longitude from merchants where id = ${store.id}`)).rows[0];
    expect(row).toEqual({ address: "上海市黄浦区南京东路 1 号", phone: "021-6321 0000", hours: "每天 10:00–22:00", category: "drinks", latitude: 31.2354, longitude: 121.4807 });
    const audits = await db.execute<{ n: number }>(sql`select count(*)::int as n from audit_log where action = 'store.profile' and subject_id = ${String(store.id)}`);
    expect(audits.rows[0]!.n).toBe(1);
  });

  it("refuses bad fields with their messages", () => {
    const issues = (input: Record<string, string>) => {
      const r = profileFormSchema.safeParse(input);
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}:${i.message}`);
    };
    expect(issues({ storePhone: "<script>" })).toEqual(["storePhone:profile.phoneFormat"]);
    expect(issues({ category: "casino" })).toEqual(["category:profile.categoryUnknown"]);
    expect(issues({ latitude: "91", longitude: "0" })).toEqual(["latitude:profile.latitudeRange"]);
    expect(issues({ latitude: "31.2" })).toEqual(["longitude:profile.coordinatesBoth"]);
    expect(issues({ address: "a\u202Eb" })).toEqual(["address:profile.invisible"]);
    expect(issues({ address: "x".repeat(121) })[0]).toContain("profile.addressTooLong");
  });

  it("lists open stores by name, by category, and nearest first by haversine distance in SQL", async () => {
    const tag = `near${Date.now().toString(36)}`;
    const a = await makeStore();
    const b = await makeStore();
    const c = await makeStore();
    const place = async (m: { id: number }, name: string, category: string, lat: number | null, lng: number | null) => {
      await db.execute(sql`update merchants set name = ${name}, category = ${category}, latitude = ${lat}, longitude = ${lng} where id = ${m.id}`);
    };
    // The Bund (31.2400, 121.4900); People's Square is about 1.9 km south-west; Hongqiao about 16 km.
    await place(a, `${tag} 外滩茶舍`, "drinks", 31.24, 121.49);
    await place(b, `${tag} 人广面馆`, "restaurant", 31.2304, 121.4737);
    await place(c, `${tag}_100% 虹桥`, "restaurant", null, null);

    const byName = await listStores({ q: tag });
    expect(byName.map((s) => s.slug).sort()).toEqual([a.slug, b.slug, c.slug].sort());
    // A typed % or _ is taken literally.
    expect((await listStores({ q: `${tag}_100%` })).map((s) => s.slug)).toEqual([c.slug]);
    expect((await listStores({ q: tag, category: "restaurant" })).map((s) => s.slug).sort()).toEqual([b.slug, c.slug].sort());

    const near = await listStores({ q: tag, near: { lat: 31.2304, lng: 121.4737 } });
    expect(near.map((s) => s.slug)).toEqual([b.slug, a.slug]);
    expect(near[0]!.distanceM).toBe(0);
    // Haversine from People's Square to the Bund: about 1.9 km (1.07 km north, 1.55 km east).
    expect(near[1]!.distanceM).toBeGreaterThan(1850);
    expect(near[1]!.distanceM).toBeLessThan(1920);
    // Beyond 20 km: left out.
    expect(await listStores({ q: tag, near: { lat: 39.9, lng: 116.4 } })).toEqual([]);
  });

  it("suggests an ASCII store link from the name", () => {
    expect(suggestSlug("Green Tea House")).toBe("green-tea-house");
    expect(suggestSlug("Café Olé")).toBe("cafe-ole");
    expect(suggestSlug("清风茶舍")).toMatch(/^store-[a-z0-9]{6}$/);
    expect(suggestSlug("清风茶舍")).toBe(suggestSlug("清风茶舍"));
    expect(suggestSlug("7号 Noodle")).toBe("7-noodle");
    expect(suggestSlug("")).toBe("");
  });
});

describe("cover photo", () => {
  it("resizes a large JPEG to at most 1200 px, strips metadata, and stores it for the store page", async () => {
    const store = await makeStore();
    const owner = await ownerOf(store.id);
    const big = await sharp({ create: { width: 3000, height: 2000, channels: 3, background: "#3a7" } })
      .withMetadata({ exif: { IFD0: { Copyright: "secret-location" } } })
      .jpeg()
      .toBuffer();
    const photo = await preparePhoto({ name: "IMG_0001.JPG", bytes: big });
    expect([photo.width, photo.height]).toEqual([PHOTO_MAX_SIDE, 800]);
    expect(photo.bytes.includes(Buffer.from("secret-location"))).toBe(false);
    await inTransaction((tx) => saveStorePhoto(tx, { ownerUserId: owner, photo }));
    const served = await storePhotoBySlug(store.slug);
    expect(served?.sha256).toBe(photo.sha256);
    expect(Buffer.compare(served!.bytes, photo.bytes)).toBe(0);
    // A PNG replaces it (one photo per store).
    const png = await preparePhoto({ name: "cover.png", bytes: await sharp(await jpeg(400, 300)).png().toBuffer() });
    await inTransaction((tx) => saveStorePhoto(tx, { ownerUserId: owner, photo: png }));
    expect(await photoCount(store.id)).toBe(1);
    expect((await storePhotoBySlug(store.slug))?.sha256).toBe(png.sha256);
  });

  it("refuses a wrong type, an oversized file, a decompression bomb and an HTML file name, each with its reason", async () => {
    const refusal = (name: string, bytes: Buffer) =>
      preparePhoto({ name, bytes }).then(
        () => "accepted",
        (e: { message: string }) => e.message,
      );
    expect(await refusal("cover.gif", GIF_BYTES)).toBe("photo.wrongType");
    expect(await refusal("cover.jpg", HTML_BYTES)).toBe("photo.notImage");
    expect(await refusal("cover.jpg", Buffer.alloc(0))).toBe("photo.empty");
    const oversized = Buffer.concat([await jpeg(100, 100), Buffer.alloc(PHOTO_MAX_UPLOAD_BYTES)]);
    expect(await refusal("big.jpg", oversized)).toBe("photo.tooLarge");
    const bomb = pngBomb();
    expect(bomb.length).toBeLessThan(100_000);
    expect(await refusal("bomb.png", bomb)).toBe("photo.tooManyPixels");
    expect(await refusal('<img src=x onerror="alert(1)">.jpg', await jpeg(50, 50))).toBe("photo.badName");
    expect(await refusal("<script>alert(1)</script>.html", HTML_BYTES)).toBe("photo.badName");
    // And a valid small image with a plain name passes, so the refusals above were about the input.
    expect(await refusal("ok.png", greyPng(64, 48))).toBe("accepted");
  });
});
