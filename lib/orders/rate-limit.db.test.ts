import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { db, pool } from "@/db";
import { RateLimitError } from "@/lib/errors";
import { makeCustomer, makeStore } from "@/lib/testing/fixtures";
import { createPendingOrder } from "./create";
import { checkOrderRate } from "./rate-limit";

afterAll(async () => {
  await pool().end();
});

const orderCount = async (customerId: number) =>
  Number((await db.execute<{ n: number }>(sql`select count(*)::int as n from orders where customer_id = ${customerId}`)).rows[0]!.n);

/** The checkout's order step: the limit, then the order, in one transaction. */
async function checkout(customerId: number, merchantId: number, key: string, limit: number) {
  return db.transaction(async (tx) => {
    await checkOrderRate(tx, customerId, key, limit);
    return createPendingOrder(tx, { customerId, merchantId, amountFen: 1_000, idempotencyKey: key, provider: "dev" });
  });
}

describe("per-customer order rate limit", () => {
  it("refuses the order past the limit in a minute, writes nothing, and still answers a retry of an order placed", async () => {
    const store = await makeStore();
    const customer = await makeCustomer();
    const keys = Array.from({ length: 5 }, () => randomUUID());
    for (const k of keys) await checkout(customer, store.id, k, 5);
    expect(await orderCount(customer)).toBe(5);

    const refused = await checkout(customer, store.id, randomUUID(), 5).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RateLimitError);
    expect((refused as RateLimitError).message).toBe("order.tooMany");
    expect((refused as RateLimitError).status).toBe(429);
    expect((refused as RateLimitError).params).toMatchObject({ limit: 5 });
    expect((refused as RateLimitError).retryAfterSeconds).toBeGreaterThan(0);
    expect((refused as RateLimitError).retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(await orderCount(customer)).toBe(5);

    // A retry of an order already placed is answered with that order, limit or not.
    expect((await checkout(customer, store.id, keys[0]!, 5)).replayed).toBe(true);
    // Another customer is not affected.
    const other = await makeCustomer();
    await checkout(other, store.id, randomUUID(), 5);
  });

  it("counts only the last minute", async () => {
    const store = await makeStore();
    const customer = await makeCustomer();
    for (let i = 0; i < 3; i++) await checkout(customer, store.id, randomUUID(), 100);
    await expect(db.transaction((tx) => checkOrderRate(tx, customer, randomUUID(), 3))).rejects.toBeInstanceOf(RateLimitError);
    await db.execute(sql`update orders set created_at = created_at - interval '61 seconds' where customer_id = ${customer}`);
    await expect(db.transaction((tx) => checkOrderRate(tx, customer, randomUUID(), 3))).resolves.toBeUndefined();
  });
});
