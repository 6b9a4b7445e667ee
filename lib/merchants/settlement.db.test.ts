import { describe, expect, it } from "vitest";
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
});
