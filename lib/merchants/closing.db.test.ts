import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { db } from "@/db";
import { inTransaction } from "@/db/transaction";
import { isDomainError } from "@/lib/errors";
import { createPendingOrder } from "@/lib/orders/create";
import { makeCustomer, makeStore, placePaidOrder } from "@/lib/testing/fixtures";
import { expectLedgerClean } from "@/lib/testing/verify";
import { closeStore, storeData, storeOrdersCsv } from "./closing";

afterEach(expectLedgerClean);

const close = (ownerUserId: number, slugTyped: string) => inTransaction((tx) => closeStore(tx, { ownerUserId, slugTyped }));

async function refusal(p: Promise<unknown>): Promise<string> {
  const e = await p.then(() => null, (err: unknown) => err);
  if (!isDomainError(e)) throw new Error(`expected a refusal, got ${String(e)}`);
  return e.message;
}

const statusOf = async (id: number) => (await db.execute<{ s: string }>(sql`select status::text as s from merchants where id = ${id}`)).rows[0]!.s;

describe("closing a store", () => {
  it("is refused while the queue has the store's waiting entries, or orders await payment", async () => {
    const store = await makeStore({ rebateBps: 1000, freeBps: 10000, unitCapFen: 0, minOrderFen: 0 });
    const c = await makeCustomer();
    await placePaidOrder(c, store.id, 5_000);
    expect(await refusal(close(store.ownerUserId, store.slug))).toBe("privacy.storeWaiting");
    expect(await statusOf(store.id)).toBe("approved");

    const other = await makeStore();
    await inTransaction((tx) => createPendingOrder(tx, { customerId: c, merchantId: other.id, amountFen: 5_000, idempotencyKey: randomUUID(), provider: "dev" }));
    expect(await refusal(close(other.ownerUserId, other.slug))).toBe("privacy.storePendingOrders");
  });

  it("asks for the store address, closes, and then takes no new order", async () => {
    const store = await makeStore();
    expect(await refusal(close(store.ownerUserId, "not-the-slug"))).toBe("privacy.storeConfirm");
    await close(store.ownerUserId, store.slug.toUpperCase());
    expect(await statusOf(store.id)).toBe("closed");
    const c = await makeCustomer();
    const order = inTransaction((tx) => createPendingOrder(tx, { customerId: c, merchantId: store.id, amountFen: 5_000, idempotencyKey: randomUUID(), provider: "dev" }));
    expect(await refusal(order)).toBe("store.notFoundOrNotApproved");
    expect(await refusal(close(store.ownerUserId, store.slug))).toBe("merchant.notApproved");
    const audit = await db.execute<{ n: number }>(sql`select count(*)::int as n from audit_log where action = 'store.close' and subject_id = ${String(store.id)}`);
    expect(audit.rows[0]!.n).toBe(1);
  });

  it("exports the store's data with customers by id only", async () => {
    const store = await makeStore();
    const c = await makeCustomer();
    const paid = await placePaidOrder(c, store.id, 6_600);
    const data = (await storeData(store.id)) as { orders: { order_no: string; customer_id: unknown }[]; rules: unknown[] };
    expect(data.orders.map((o) => o.order_no)).toEqual([paid.orderNo]);
    expect(Number(data.orders[0]!.customer_id)).toBe(c);
    expect(data.rules.length).toBeGreaterThan(0);
    expect(await storeOrdersCsv(store.id)).toContain(paid.orderNo);
  });
});
