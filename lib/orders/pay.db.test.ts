import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { inTransaction } from "@/db/transaction";
import { createPendingOrder } from "./create";
import { markOrderPaid } from "./pay";
import { balanceOf, derivedBalance, entriesOf, makeCustomer, makeStore, placePaidOrder } from "@/lib/testing/fixtures";
import { expectLedgerClean } from "@/lib/testing/verify";

afterAll(expectLedgerClean);

describe("order paid", () => {
  it("posts SPEC's worked example exactly, and the postings balance", async () => {
    const store = await makeStore({ payoutMode: "manual" });
    const customer = await makeCustomer();
    const worldBefore = await derivedBalance("world");
    const feesBefore = await derivedBalance("platform_fees");
    const issuedBefore = await derivedBalance("points_issued");

    const paid = await placePaidOrder(customer, store.id, 10_000);
    expect(paid.applied).toBe(true);

    expect(await balanceOf({ merchantId: store.id }, "merchant_settlement")).toBe(8000);
    expect(await balanceOf({ queueId: store.queueId! }, "pool")).toBe(1300);
    expect(await balanceOf({ userId: customer }, "points_reserve")).toBe(500);
    expect(await balanceOf({ userId: customer }, "points_locked")).toBe(500);
    expect(await balanceOf({ userId: customer }, "wallet")).toBe(0);
    expect((await derivedBalance("world")) - worldBefore).toBe(-10_000);
    expect((await derivedBalance("platform_fees")) - feesBefore).toBe(200);
    expect((await derivedBalance("points_issued")) - issuedBefore).toBe(-500);

    const entries = await entriesOf(store.queueId!);
    expect(entries).toMatchObject([{ position: 1, targetFen: 10_000, status: "waiting", customerId: customer }]);
    await expectLedgerClean();
  });

  it("splits a big order into units in order, and skips the queue below the minimum", async () => {
    const store = await makeStore({ payoutMode: "manual" });
    const customer = await makeCustomer();
    await placePaidOrder(customer, store.id, 35_000);
    await placePaidOrder(customer, store.id, 999);
    const entries = await entriesOf(store.queueId!);
    expect(entries.map((e) => [e.position, e.targetFen])).toEqual([
      [1, 10_000],
      [2, 10_000],
      [3, 10_000],
      [4, 5_000],
    ]);
    // The small order still earned its points: floor(floor(999 × 20%) × 25%) = 49.
    expect(await balanceOf({ userId: customer }, "points_locked")).toBe(1750 + 49);
  });

  it("a repeated payment confirmation posts nothing (I7)", async () => {
    const store = await makeStore({ payoutMode: "manual" });
    const customer = await makeCustomer();
    const { order } = await inTransaction((tx) =>
      createPendingOrder(tx, { customerId: customer, merchantId: store.id, amountFen: 5000, idempotencyKey: randomUUID(), provider: "dev" }),
    );
    const confirm = () => inTransaction((tx) => markOrderPaid(tx, { orderNo: order.orderNo, amountFen: 5000, providerRef: "p1" }));
    const results = await Promise.all([confirm(), confirm(), confirm(), confirm(), confirm()]);
    expect(results.filter((r) => r.applied)).toHaveLength(1);
    expect(await balanceOf({ queueId: store.queueId! }, "pool")).toBe(650);
    expect(await entriesOf(store.queueId!)).toHaveLength(1);
  });

  it("refuses a confirmation whose amount differs from the order, and posts nothing", async () => {
    const store = await makeStore({ payoutMode: "manual" });
    const customer = await makeCustomer();
    const { order } = await inTransaction((tx) =>
      createPendingOrder(tx, { customerId: customer, merchantId: store.id, amountFen: 5000, idempotencyKey: randomUUID(), provider: "dev" }),
    );
    await expect(
      inTransaction((tx) => markOrderPaid(tx, { orderNo: order.orderNo, amountFen: 4999, providerRef: "p1" })),
    ).rejects.toMatchObject({ code: "conflict" });
    expect(await balanceOf({ queueId: store.queueId! }, "pool")).toBe(0);
  });
});

describe("order creation idempotency", () => {
  it("the same key and payload returns the first order; another payload conflicts", async () => {
    const store = await makeStore();
    const customer = await makeCustomer();
    const key = randomUUID();
    const create = (amountFen: number) =>
      inTransaction((tx) => createPendingOrder(tx, { customerId: customer, merchantId: store.id, amountFen, idempotencyKey: key, provider: "dev" }));
    const [a, b] = await Promise.all([create(2000), create(2000)]);
    expect(a.order.id).toBe(b.order.id);
    expect([a.replayed, b.replayed].sort()).toEqual([false, true]);
    await expect(create(2100)).rejects.toMatchObject({ code: "conflict" });
  });

  it("refuses an unapproved or unknown store", async () => {
    const customer = await makeCustomer();
    await expect(
      inTransaction((tx) => createPendingOrder(tx, { customerId: customer, merchantId: 987_654_321, amountFen: 2000, idempotencyKey: randomUUID(), provider: "dev" })),
    ).rejects.toMatchObject({ code: "not_found" });
  });
});
