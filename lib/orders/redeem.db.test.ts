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

  it("concurrent redemptions by one customer never spend the same points twice; the payments that lost are returned once", async () => {
    const customer = await customerWithPoints(500);
    const store = await makeStore({ payoutMode: "manual" });
    // Five orders each want 200 of the 500 points: at most two can be paid. The provider took the
    // money of all five, and notifies each twice at once.
    const pending = await Promise.all(
      Array.from({ length: 5 }, () =>
        inTransaction((tx) =>
          createPendingOrder(tx, { customerId: customer, merchantId: store.id, amountFen: 1000, pointsUsed: 200, idempotencyKey: randomUUID(), provider: "dev" }),
        ),
      ),
    );
    const notify = (order: { orderNo: string; cashFen: number; id: number }) =>
      inTransaction((tx) => markOrderPaid(tx, { orderNo: order.orderNo, amountFen: order.cashFen, providerRef: `r-${order.id}` }));
    const results = await Promise.all(pending.flatMap(({ order }) => [notify(order), notify(order)]));

    // Each payment is either applied once or returned once (points_gone); never refused, so the
    // provider stops retrying and the money is recorded.
    expect(results.filter((r) => r.applied)).toHaveLength(2);
    expect(results.filter((r) => r.returned === "points_gone")).toHaveLength(3);
    const ids = pending.map(({ order }) => order.id);
    const orders = await db.execute<{ id: number; status: string; closed: boolean }>(sql`
      select id, status, closed_at is not null as closed from orders where id in ${sql.raw(`(${ids.join(",")})`)} order by id`);
    expect(orders.rows.filter((o) => o.status === "paid")).toHaveLength(2);
    // The orders whose points were gone are closed with the reason, as a late payment for an expired one.
    for (const o of orders.rows.filter((r) => r.status !== "paid")) expect(o).toMatchObject({ status: "expired", closed: true });
    const returned = await db.execute<{ order_id: number; amount_fen: number; return_cause: string; returned_payment_ref: string }>(sql`
      select order_id, amount_fen, return_cause, returned_payment_ref from payment_refunds where order_id in ${sql.raw(`(${ids.join(",")})`)}`);
    expect(returned.rows).toHaveLength(3);
    for (const r of returned.rows) {
      expect(r).toMatchObject({ amount_fen: 1000 - 200, return_cause: "points_gone", returned_payment_ref: `r-${r.order_id}` });
      expect(orders.rows.find((o) => Number(o.id) === Number(r.order_id))?.status).toBe("expired");
    }
    expect(await balanceOf({ userId: customer }, "refunds_pending")).toBe(3 * 800);
    expect(await balanceOf({ userId: customer }, "points_available")).toBe(100);

    // A further notification of a returned payment changes nothing.
    const expired = pending.find(({ order }) => orders.rows.find((o) => Number(o.id) === order.id)?.status === "expired")!.order;
    const before = await entryCount();
    const again = await notify(expired);
    expect(again.applied).toBe(false);
    expect(again.returned).toBeUndefined();
    expect(await entryCount()).toBe(before);
    await expectLedgerClean();
  });
});
