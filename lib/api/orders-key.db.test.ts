import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { inTransaction } from "@/db/transaction";
import { makeCustomer, makeStore } from "@/lib/testing/fixtures";
import { expectLedgerClean } from "@/lib/testing/verify";
import { createApiKey, presentedApiKey, revokeApiKey, type PresentedApiKey } from "./keys";
import { createPosOrder, posOrderSchema } from "./orders";

// The POS route's claim checks the API key in its own statement (claimByKey): a refused key must
// claim nothing and post nothing, exactly as when the key was checked by a statement before it.

afterAll(expectLedgerClean);

async function storeWithKey() {
  const store = await makeStore({ payoutMode: "manual" });
  const created = await createApiKey(db, { merchantId: store.id, createdByUserId: store.ownerUserId, name: "till" });
  const customer = await makeCustomer();
  const res = await db.execute<{ username: string }>(sql`select username from users where id = ${customer}`);
  return { store, token: created.token, keyId: created.id, customer: res.rows[0]!.username };
}

const post = (presented: PresentedApiKey, idempotencyKey: string, customer: string) =>
  inTransaction((tx) => createPosOrder(tx, { presented, idempotencyKey, input: posOrderSchema.parse({ customer, amount_fen: 3000 }) }));

async function written(merchantId: number, key: string) {
  const res = await db.execute<{ claims: number; orders: number }>(sql`
    select (select count(*)::int from api_idempotency where merchant_id = ${merchantId} and key = ${key}) as claims,
           (select count(*)::int from orders where merchant_id = ${merchantId}) as orders`);
  return res.rows[0]!;
}

describe("POS orders with the API key checked in the claim", () => {
  it("a valid key places the order for its own store and reports the key's row", async () => {
    const { store, token, keyId, customer } = await storeWithKey();
    const key = randomUUID();
    const res = await post(presentedApiKey(token)!, key, customer);
    expect(res).toMatchObject({ status: 201, replayed: false, apiKey: { id: keyId, lastUsedAt: null } });
    expect(await written(store.id, key)).toEqual({ claims: 1, orders: 1 });
  });

  it("a wrong secret, an unknown prefix and a revoked key are refused as unauthenticated, and claim nothing", async () => {
    const { store, token, keyId, customer } = await storeWithKey();
    const good = presentedApiKey(token)!;
    const wrongSecret = presentedApiKey(token.replace(/.$/, (c) => (c === "a" ? "b" : "a")))!;
    const unknownPrefix = presentedApiKey(`fl_${"0".repeat(8)}_${token.split("_")[2]}`)!;
    for (const presented of [wrongSecret, unknownPrefix]) {
      const key = randomUUID();
      await expect(post(presented, key, customer)).rejects.toMatchObject({ name: "ApiKeyRefused", reason: "unauthenticated" });
      expect(await written(store.id, key)).toEqual({ claims: 0, orders: 0 });
    }
    await revokeApiKey(db, { merchantId: store.id, keyId });
    const key = randomUUID();
    await expect(post(good, key, customer)).rejects.toMatchObject({ reason: "unauthenticated" });
    expect(await written(store.id, key)).toEqual({ claims: 0, orders: 0 });
  });

  it("a valid key of a store not approved is refused as such, and claims nothing until the store is approved again", async () => {
    const { store, token, customer } = await storeWithKey();
    await db.execute(sql`update merchants set status = 'rejected' where id = ${store.id}`);
    const key = randomUUID();
    await expect(post(presentedApiKey(token)!, key, customer)).rejects.toMatchObject({ reason: "not_approved" });
    expect(await written(store.id, key)).toEqual({ claims: 0, orders: 0 });
    await db.execute(sql`update merchants set status = 'approved' where id = ${store.id}`);
    await expect(post(presentedApiKey(token)!, key, customer)).resolves.toMatchObject({ status: 201 });
  });
});
