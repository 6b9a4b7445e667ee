import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { balanceOf, entriesOf, makeCustomer, makeStore, placePaidOrder } from "@/lib/testing/fixtures";
import { expectLedgerClean } from "@/lib/testing/verify";
import { drainQueue } from "./drain";

afterAll(expectLedgerClean);

describe("drain", () => {
  it("pays exactly the affordable FIFO prefix and never skips the head", async () => {
    // Manual mode, so nothing drains until we ask. Defaults: 13% of each order reaches the pool.
    const store = await makeStore({ payoutMode: "manual", unitCapFen: 0 });
    const a = await makeCustomer();
    const b = await makeCustomer();
    const c = await makeCustomer();
    await placePaidOrder(a, store.id, 2_000); // target 2000, pool 260
    await placePaidOrder(b, store.id, 30_000); // target 30000, pool 4160
    await placePaidOrder(c, store.id, 1_000); // target 1000, pool 4290
    // Pool 4290 covers A (2000) but not A + B; C (1000) would fit but must wait behind B.
    const r = await drainQueue(store.queueId!);
    expect(r).toMatchObject({ paid: 1, paidFen: 2000 });
    expect((await entriesOf(store.queueId!)).map((e) => e.status)).toEqual(["paid", "waiting", "waiting"]);
    expect(await balanceOf({ userId: a }, "wallet")).toBe(2000);
    expect(await balanceOf({ userId: c }, "wallet")).toBe(0);
    expect(await balanceOf({ queueId: store.queueId! }, "pool")).toBe(2290);

    // Filling the pool past B's target pays B, then C once it fits too.
    const d = await makeCustomer();
    for (let i = 0; i < 23; i++) await placePaidOrder(d, store.id, 10_000); // pool 32190
    const r2 = await drainQueue(store.queueId!);
    expect(r2).toMatchObject({ paid: 2, paidFen: 31_000 });
    const entries = await entriesOf(store.queueId!);
    expect(entries.slice(0, 3).map((e) => e.status)).toEqual(["paid", "paid", "paid"]);
    expect(await balanceOf({ userId: b }, "wallet")).toBe(30_000);
    await expectLedgerClean();
  });

  it("does nothing on an empty pool or empty queue", async () => {
    const store = await makeStore({ payoutMode: "manual" });
    expect(await drainQueue(store.queueId!)).toEqual({ paid: 0, paidFen: 0, batches: 0 });
  });

  it("drains in bounded batches until the pool no longer covers the head", async () => {
    const store = await makeStore({ payoutMode: "manual", rebateBps: 5000, platformFeeBps: 0, pointsBps: 0, freeBps: 1000, unitCapFen: 0, minOrderFen: 0 });
    const customer = await makeCustomer();
    // Each ¥10 order: target 100 fen, pool +500 fen. 30 orders: pool 15000 covers all 30 targets (3000).
    for (let i = 0; i < 30; i++) await placePaidOrder(customer, store.id, 1_000);
    const r = await drainQueue(store.queueId!, 7);
    expect(r).toEqual({ paid: 30, paidFen: 3000, batches: 5 });
    expect(await balanceOf({ queueId: store.queueId! }, "pool")).toBe(12_000);
  });

  it("50 concurrent orders and 10 concurrent drains on one queue: every entry paid once, ledger clean", async () => {
    const store = await makeStore({ unitCapFen: 0 });
    const customers = await Promise.all(Array.from({ length: 10 }, () => makeCustomer()));
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 50; i++) {
      work.push(placePaidOrder(customers[i % 10]!, store.id, 1_000 + (i % 7) * 1_000, { drain: false }));
      if (i % 5 === 0) work.push(drainQueue(store.queueId!));
    }
    const settled = await Promise.allSettled(work);
    expect(settled.filter((s) => s.status === "rejected")).toEqual([]);
    await drainQueue(store.queueId!);

    const entries = await entriesOf(store.queueId!);
    expect(entries).toHaveLength(50);
    // Positions are 1..50 with no gaps or repeats.
    expect(entries.map((e) => e.position)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const paid = entries.filter((e) => e.status === "paid");
    expect(paid.length).toBeGreaterThan(0);
    // A paid prefix, then only waiting entries.
    const firstWaiting = entries.findIndex((e) => e.status === "waiting");
    if (firstWaiting >= 0) expect(entries.slice(firstWaiting).every((e) => e.status === "waiting")).toBe(true);

    const payouts = await db.execute<{ n: number; total: number }>(
      sql`select count(*)::bigint as n, coalesce(sum(amount_fen), 0)::bigint as total from payouts where queue_id = ${store.queueId!}`,
    );
    expect(Number(payouts.rows[0]!.n)).toBe(paid.length);
    const walletTotal = (await Promise.all(customers.map((c) => balanceOf({ userId: c }, "wallet")))).reduce((a, b) => a + b, 0);
    expect(walletTotal).toBe(Number(payouts.rows[0]!.total));
    await expectLedgerClean();
  });
});
