import { describe, expect, it } from "vitest";
import { makeCustomer, makeStore, placePaidOrder } from "@/lib/testing/fixtures";
import { expectLedgerClean } from "@/lib/testing/verify";
import { merchantDailyFigures } from "./dashboard";

describe("merchantDailyFigures", () => {
  it("gives 30 days, oldest first, with today's orders, rebate and payouts", async () => {
    const store = await makeStore({ unitCapFen: 0 });
    const other = await makeStore();
    const customer = await makeCustomer();
    await placePaidOrder(customer, store.id, 1_000); // entry ¥10, pool +130
    for (let i = 0; i < 8; i++) await placePaidOrder(customer, store.id, 10_000); // pool covers the ¥10 entry, then more
    await placePaidOrder(customer, other.id, 5_000);

    const days = await merchantDailyFigures(store.id);
    expect(days).toHaveLength(30);
    expect(days.map((d) => d.day)).toEqual([...days.map((d) => d.day)].sort());
    const today = days.at(-1)!;
    expect(today).toMatchObject({ orders: 9, cashFen: 81_000, rebateFen: 16_200 });
    // The second order's 1300 fen made the pool cover the ¥10 entry; the rest (430 + 7 × 1300 = 9530)
    // does not reach the next ¥100 target.
    expect(today.payoutsFen).toBe(1_000);
    expect(days.slice(0, -1).every((d) => d.orders === 0 && d.payoutsFen === 0)).toBe(true);
    await expectLedgerClean();
  });
});
