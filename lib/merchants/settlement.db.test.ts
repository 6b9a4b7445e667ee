import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db";
import { inTransaction } from "@/db/transaction";
import { refundOrder } from "@/lib/orders/refund";
import { addDays, shanghaiDay } from "@/lib/points/day";
import { balanceOf, makeCustomer, makeStore, placePaidOrder, releasePointsNow } from "@/lib/testing/fixtures";
import { expectLedgerClean } from "@/lib/testing/verify";
import { settlementReport, settlementTotals } from "./settlement";

describe("the settlement report", () => {
  it("gives each day's sales, rebate, refunds, what the store owes the platform and what it is paid, from the ledger", async () => {
    // Default rules: rebate 20% of the cash, platform fee 10% of the rebate, points 25% of it, the rest to the pool.
    const store = await makeStore();
    const other = await makeStore();
    const [c1, c2, operator] = [await makeCustomer(), await makeCustomer(), await makeCustomer("operator")];

    await placePaidOrder(c1, store.id, 1_000); // rebate 200 (fee 20, points 50, pool 130); settlement +800
    const big = await placePaidOrder(c2, store.id, 10_000); // rebate 2000 (fee 200, points 500, pool 1300); +8000; the pool (1430) frees c1's ¥10
    await releasePointsNow(c1, 50);
    // ¥20 with 50 points: cash 1950, rebate 390 (fee 39, points 97, pool 254); +1560 and the points' 50 from the reserve
    await placePaidOrder(c1, store.id, 2_000, { pointsUsed: 50 });
    await placePaidOrder(c2, other.id, 5_000); // another store: not in this report
    // The ¥100 order's pool share (1300) is more than the pool holds (430 + 254 = 684): the settlement covers 616.
    const refund = await inTransaction((tx) => refundOrder(tx, { orderId: big.orderId, actor: { userId: operator, role: "operator" }, reason: "test" }));
    expect(refund.shortfallFen).toBe(616);

    const today = shanghaiDay();
    const days = await settlementReport(store.id, { from: addDays(today, -30), to: today });
    expect(days).toHaveLength(1);
    expect(days[0]).toEqual({
      day: today,
      orders: 3,
      salesFen: 13_000,
      rebateFen: 2_590,
      platformFeeFen: 259,
      refunds: 1,
      refundsFen: 10_000,
      rebateReturnedFen: 2_000,
      shortfallFen: 616,
      owedFen: 2_590 - 2_000 + 616,
      paidFen: 800 + 8_000 + 1_610 - 616 - 8_000,
      balanceFen: 1_794,
    });
    // What the store is paid is its sales less refunds less what it owes, and the settlement account agrees.
    const d = days[0]!;
    expect(d.paidFen).toBe(d.salesFen - d.refundsFen - d.owedFen);
    expect(await balanceOf({ merchantId: store.id }, "merchant_settlement")).toBe(d.balanceFen);
    expect(settlementTotals(days)).toMatchObject({ salesFen: 13_000, paidFen: 1_794, balanceFen: 1_794 });

    // A range without postings is empty; the other store has its own report.
    expect(await settlementReport(store.id, { from: addDays(today, -10), to: addDays(today, -1) })).toEqual([]);
    const theirs = await settlementReport(other.id, { from: today, to: today });
    expect(theirs).toMatchObject([{ orders: 1, salesFen: 5_000, rebateFen: 1_000, owedFen: 1_000, paidFen: 4_000, refunds: 0 }]);
    await expectLedgerClean();
  });

  it("carries the balance of the days before the range: each day ends at the settlement's balance then", async () => {
    const store = await makeStore({ payoutMode: "manual" });
    const customer = await makeCustomer();
    // Default rules: a ¥10 order leaves 800 on the settlement, a ¥20 one 1600.
    const earlier = await placePaidOrder(customer, store.id, 1_000);
    // Posted three days ago: the ledger refuses any change (a trigger), so the test's superuser
    // moves the posting back with triggers off, in this transaction only.
    await db.transaction(async (tx) => {
      await tx.execute(sql`set local session_replication_role = replica`);
      await tx.execute(sql`update ledger_transactions set created_at = created_at - interval '3 days' where order_id = ${earlier.orderId}`);
      // Its legs carry the same time, as every posting's do (written in the same transaction).
      await tx.execute(
        sql`update ledger_entries set created_at = created_at - interval '3 days' where transaction_id in (select id from ledger_transactions where order_id = ${earlier.orderId})`,
      );
    });
    await placePaidOrder(customer, store.id, 2_000);

    const today = shanghaiDay();
    const threeDaysAgo = addDays(today, -3);
    // Today only: the earlier day is not listed, but its 800 is in the balance.
    expect(await settlementReport(store.id, { from: today, to: today })).toMatchObject([{ day: today, orders: 1, paidFen: 1_600, balanceFen: 2_400 }]);
    // The earlier day alone ends at what the settlement held then.
    expect(await settlementReport(store.id, { from: threeDaysAgo, to: addDays(today, -1) })).toMatchObject([{ day: threeDaysAgo, orders: 1, paidFen: 800, balanceFen: 800 }]);
    // Both, newest first; the totals' balance is the newest day's and agrees with the account.
    const both = await settlementReport(store.id, { from: threeDaysAgo, to: today });
    expect(both.map((d) => [d.day, d.balanceFen])).toEqual([
      [today, 2_400],
      [threeDaysAgo, 800],
    ]);
    expect(settlementTotals(both)).toMatchObject({ orders: 2, paidFen: 2_400, balanceFen: 2_400 });
    expect(await balanceOf({ merchantId: store.id }, "merchant_settlement")).toBe(2_400);
    await expectLedgerClean();
  });
});
