import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db";
import { makeStore } from "@/lib/testing/fixtures";
import { createApiKey, listApiKeys, MAX_ACTIVE_KEYS, revokeApiKey, verifyApiKey } from "./keys";

async function storeWithKey(name = "前台 POS") {
  const store = await makeStore();
  const key = await createApiKey(db, { merchantId: store.id, createdByUserId: store.ownerUserId, name });
  return { store, key };
}

async function storedRow(id: number) {
  const res = await db.execute<{ secret_hash: string; last_used: number | null; revoked_at: string | null }>(
    sql`select secret_hash, (extract(epoch from last_used_at) * 1000)::float8 as last_used, revoked_at::text from api_keys where id = ${id}`,
  );
  return res.rows[0]!;
}

describe("API keys", () => {
  it("shows the full secret once, stores only its hash, and lets the key in", async () => {
    const { store, key } = await storeWithKey();
    expect(key.token).toMatch(/^fl_[0-9A-Za-z]{8}_[0-9A-Za-z]{40}$/);
    expect(key.token.startsWith(`fl_${key.prefix}_`)).toBe(true);
    const row = await storedRow(key.id);
    expect(row.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(key.token).not.toContain(row.secret_hash);

    const listed = await listApiKeys(store.id);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toEqual({ id: key.id, name: "前台 POS", prefix: key.prefix, createdAt: expect.any(Date), lastUsedAt: null, revokedAt: null });
    expect(JSON.stringify(listed)).not.toContain(key.token.slice(12));

    const principal = await verifyApiKey(key.token);
    expect(principal).toMatchObject({ keyId: key.id, merchantId: store.id, merchantStatus: "approved", queueId: store.queueId });
    expect((await listApiKeys(store.id))[0]!.lastUsedAt).toBeInstanceOf(Date);
  });

  it("refuses a wrong secret, an unknown prefix and malformed tokens", async () => {
    const { key } = await storeWithKey();
    const secret = key.token.slice(`fl_${key.prefix}_`.length);
    const flipped = secret.slice(0, -1) + (secret.endsWith("a") ? "b" : "a");
    expect(await verifyApiKey(`fl_${key.prefix}_${flipped}`)).toBeNull();
    expect(await verifyApiKey(`fl_${key.prefix === "AAAAAAAA" ? "BBBBBBBB" : "AAAAAAAA"}_${secret}`)).toBeNull();
    for (const bad of ["", key.token.slice(0, -20), `${key.token} `, key.token.replace("fl_", "fk_"), `fl_${key.prefix}_${"x".repeat(65)}`]) {
      expect(await verifyApiKey(bad)).toBeNull();
    }
    expect(await verifyApiKey(key.token)).not.toBeNull();
  });

  it("refuses a revoked key at once", async () => {
    const { store, key } = await storeWithKey();
    expect(await verifyApiKey(key.token)).not.toBeNull();
    const revoked = await revokeApiKey(db, { merchantId: store.id, keyId: key.id });
    expect(revoked).toMatchObject({ id: key.id, alreadyRevoked: false });
    expect(await verifyApiKey(key.token)).toBeNull();
    // Revoking again changes nothing and says so.
    const again = await revokeApiKey(db, { merchantId: store.id, keyId: key.id });
    expect(again).toMatchObject({ alreadyRevoked: true, revokedAt: revoked.revokedAt });
    expect((await listApiKeys(store.id))[0]!.revokedAt).toEqual(revoked.revokedAt);
  });

  it("another store cannot revoke a key, nor learn that it exists", async () => {
    const { key } = await storeWithKey();
    const other = await makeStore();
    await expect(revokeApiKey(db, { merchantId: other.id, keyId: key.id })).rejects.toMatchObject({ code: "not_found" });
    await expect(revokeApiKey(db, { merchantId: other.id, keyId: 9_999_999_999 })).rejects.toMatchObject({ code: "not_found" });
    expect((await storedRow(key.id)).revoked_at).toBeNull();
    expect(await verifyApiKey(key.token)).not.toBeNull();
    expect(await listApiKeys(other.id)).toEqual([]);
  });

  it("records use at most once a minute", async () => {
    const { key } = await storeWithKey();
    await verifyApiKey(key.token);
    const first = (await storedRow(key.id)).last_used;
    expect(first).not.toBeNull();
    await verifyApiKey(key.token);
    await verifyApiKey(key.token);
    expect((await storedRow(key.id)).last_used).toBe(first);
    // Two minutes later, the next call records it again.
    await db.execute(sql`update api_keys set last_used_at = now() - interval '2 minutes' where id = ${key.id}`);
    const old = (await storedRow(key.id)).last_used!;
    await verifyApiKey(key.token);
    expect((await storedRow(key.id)).last_used!).toBeGreaterThan(old + 60_000);
  });

  it("checks the name and caps the number of active keys", async () => {
    const store = await makeStore();
    const create = (name: string) => createApiKey(db, { merchantId: store.id, createdByUserId: store.ownerUserId, name });
    await expect(create("   ")).rejects.toThrow();
    await expect(create("x".repeat(65))).rejects.toThrow();
    const keys = [];
    for (let i = 0; i < MAX_ACTIVE_KEYS; i++) keys.push(await create(`till ${i}`));
    expect(new Set(keys.map((k) => k.prefix)).size).toBe(MAX_ACTIVE_KEYS);
    await expect(create("one too many")).rejects.toMatchObject({ code: "not_allowed" });
    await revokeApiKey(db, { merchantId: store.id, keyId: keys[0]!.id });
    await expect(create("replacement")).resolves.toMatchObject({ name: "replacement" });
  });
});
