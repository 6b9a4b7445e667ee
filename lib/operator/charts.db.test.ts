import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { makeCustomer, makeStore, placePaidOrder } from "@/lib/testing/fixtures";
import { expectLedgerClean } from "@/lib/testing/verify";
import { platformDailyFigures } from "./charts";
import { searchAll } from "./search";

afterAll(expectLedgerClean);

describe("operator overview figures", () => {
  it("30 days, oldest first; a paid order adds its count, fee, pool share and points to today", async () => {
    const before = await platformDailyFigures(30);
    expect(before).toHaveLength(30);
    expect(before.map((d) => d.day)).toEqual([...before.map((d) => d.day)].sort());
    const store = await makeStore({ payoutMode: "manual" });
    const paid = await placePaidOrder(await makeCustomer(), store.id, 12_345);
    const [o] = (
      await db.execute<{ fee: string; pool: string; points: string }>(
        sql`select platform_fee_fen as fee, pool_fen as pool, points_earned as points from orders where id = ${paid.orderId}`,
      )
    ).rows;
    const after = await platformDailyFigures(30);
    const b = before.at(-1)!;
    const a = after.at(-1)!;
    // Other test files may post at the same time: at least this order's figures were added.
    expect(a.orders - b.orders).toBeGreaterThanOrEqual(1);
    expect(a.feesFen - b.feesFen).toBeGreaterThanOrEqual(Number(o!.fee));
    expect(a.poolInFen - b.poolInFen).toBeGreaterThanOrEqual(Number(o!.pool));
    expect(a.pointsIssued - b.pointsIssued).toBeGreaterThanOrEqual(Number(o!.points));
  });

  it("search finds an order by its number in any case, and a store by part of its name, wildcards taken literally", async () => {
    const store = await makeStore();
    const paid = await placePaidOrder(await makeCustomer(), store.id, 5_000);
    const byNo = await searchAll(` ${paid.orderNo.toLowerCase()} `);
    expect(byNo.orders.map((o) => o.orderNo)).toEqual([paid.orderNo]);
    expect(byNo.orders[0]!.storeName).toBe(store.name);
    const byName = await searchAll(store.name.slice(6));
    expect(byName.stores.map((s) => s.merchantId)).toContain(store.id);
    // Other tests' stores share this database, and one may have a "%" in its name: a literal "%" or
    // "_" finds only names that hold it, never every store.
    for (const wildcard of ["%", "_"]) {
      const found = (await searchAll(wildcard)).stores;
      expect(found.every((s) => s.name.includes(wildcard)), wildcard).toBe(true);
      expect(found.map((s) => s.merchantId)).not.toContain(store.id);
    }
  });
});
