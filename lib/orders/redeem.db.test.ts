import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { inTransaction } from "@/db/transaction";
import { balanceOf, derivedBalance, entriesOf, makeCustomer, makeStore, placePaidOrder, releasePointsNow } from "@/lib/testing/fixtures";
import { expectLedgerClean } from "@/lib/testing/verify";
import { createPendingOrder } from "./create";
import { markOrderPaid } from "./pay";

afterAll(expectLedgerClean);

async function customerWithPoints(available: number): Promise<number> {
  const customer = await makeCustomer();
  const earnStore = await makeStore({ payoutMode: "manual" });
  // ¥100 earns 500 points at the defaults; release what the test needs.
  const orders = Math.ceil(available / 500);
  for (let i = 0; i < orders; i++) await placePaidOrder(customer, earnStore.id, 10_000);
  await releasePointsNow(customer, available);
  return customer;
}

const entryCount = async () => Number((await db.execute<{ n: number }>(sql`select count(*)::bigint as n from ledger_entries`)).rows[0]!.n);

describe("redeeming points at checkout", () => {
  it("burns the points, the reserve pays the merchant, and only the cash earns a rebate and queues", async () => {
    const customer = await customerWithPoints(300);
    const store = await makeStore({ payoutMode: "manual" });
    const reserveBefore = await balanceOf({ userId: customer }, "points_reserve");
    const lockedBefore = await balanceOf({ userId: customer }, "points_locked");
    const issuedBefore = await derivedBalance("points_issued");

    // ¥20.00 with 300 points: ¥17.00 cash. Rebate 340, fee 34, points 85, pool 221.
    await placePaidOrder(customer, store.id, 2000, { pointsUsed: 300 });

    expect(await balanceOf({ userId: customer }, "points_available")).toBe(0);
    expect(await balanceOf({ userId: customer }, "points_locked")).toBe(lockedBefore + 85);
    expect(await balanceOf({ userId: customer }, "points_reserve")).toBe(reserveBefore - 300 + 85);
    expect(await balanceOf({ merchantId: store.id }, "merchant_settlement")).toBe(1700 - 340 + 300);
    expect(await balanceOf({ queueId: store.queueId! }, "pool")).toBe(221);
    expect((await derivedBalance("points_issued")) - issuedBefore).toBe(300 - 85);
    expect((await entriesOf(store.queueId!)).map((e) => e.targetFen)).toEqual([1700]);
    await expectLedgerClean();
  });

  it("refuses more points than held, or the whole amount, and writes nothing", async () => {
    const customer = await customerWithPoints(100);
    const store = await makeStore();
    const before = await entryCount();
    const create = (amountFen: number, pointsUsed: number) =>
      inTransaction((tx) =>
        createPendingOrder(tx, { customerId: customer, merchantId: store.id, amountFen, pointsUsed, idempotencyKey: randomUUID(), provider: "dev" }),
      );
    await expect(create(5000, 101)).rejects.toMatchObject({ code: "insufficient_funds", field: "points" });
    await expect(create(100, 100)).rejects.toMatchObject({ code: "invalid_input", field: "points" });
    await expect(create(50, 60)).rejects.toMatchObject({ code: "invalid_input", field: "points" });
    expect(await entryCount()).toBe(before);
  });

  it("concurrent redemptions by one customer never spend the same points twice", async () => {
    const customer = await customerWithPoints(500);
    const store = await makeStore({ payoutMode: "manual" });
    // Five orders each want 200 of the 500 points: at most two can be paid.
    const pending = await Promise.all(
      Array.from({ length: 5 }, () =>
        inTransaction((tx) =>
          createPendingOrder(tx, { customerId: customer, merchantId: store.id, amountFen: 1000, pointsUsed: 200, idempotencyKey: randomUUID(), provider: "dev" }),
        ),
      ),
    );
    const results = await Promise.allSettled(
      pending.map(({ order }) =>
        inTransaction((tx) => markOrderPaid(tx, { orderNo: order.orderNo, amountFen: order.cashFen, providerRef: `r-${order.id}` })),
      ),
    );
    const ok = results.filter((r) => r.status === "fulfilled");
    expect(ok).toHaveLength(2);
    for (const r of results) if (r.status === "rejected") expect(r.reason).toMatchObject({ code: "insufficient_funds" });
    expect(await balanceOf({ userId: customer }, "points_available")).toBe(100);
    await expectLedgerClean();
  });
});
