import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { inTransaction } from "@/db/transaction";
import { orderPreview } from "@/lib/rules/preview";
import { DEFAULT_RULES } from "@/lib/rules/settings";
import { makeCustomer, makeStore, placePaidOrder, releasePointsNow } from "@/lib/testing/fixtures";
import { expectLedgerClean } from "@/lib/testing/verify";
import { createPendingOrder } from "./create";
import { markOrderPaid } from "./pay";

afterAll(expectLedgerClean);

describe("the order form's preview", () => {
  it("equals what the checkout and the payment record: cash, points earned and queue units", async () => {
    // One customer with points to redeem, earned once (¥100 orders earn 500 points each).
    const customer = await makeCustomer();
    const earn = await makeStore({ payoutMode: "manual" });
    for (let i = 0; i < 4; i++) await placePaidOrder(customer, earn.id, 100_00);
    await releasePointsNow(customer, 2_000);

    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2_000_00 }),
        fc.nat(60),
        fc.integer({ min: 300, max: 5000 }),
        fc.constantFrom(0, 10_00, 50_00, 100_00),
        fc.constantFrom(0, 5_00, 10_00, 88_00),
        async (amountFen, pointsPick, rebateBps, unitCapFen, minOrderFen) => {
          const pointsUsed = Math.min(pointsPick, amountFen - 1);
          const rule = { ...DEFAULT_RULES, rebateBps, unitCapFen, minOrderFen, payoutMode: "manual" as const };
          const store = await makeStore(rule);
          const shown = orderPreview(amountFen, pointsUsed, rule);

          const { order } = await inTransaction((tx) =>
            createPendingOrder(tx, { customerId: customer, merchantId: store.id, amountFen, pointsUsed, idempotencyKey: randomUUID(), provider: "dev" }),
          );
          await inTransaction((tx) => markOrderPaid(tx, { orderNo: order.orderNo, amountFen: order.cashFen, providerRef: `t-${order.id}` }));
          const units = await db.execute<{ target_fen: number }>(sql`
            select target_fen from queue_entries where order_id = ${order.id} order by position`);

          expect({
            cashFen: order.cashFen,
            pointsEarned: order.pointsEarned,
            poolFen: order.poolFen,
            units: units.rows.map((r) => Number(r.target_fen)),
          }).toEqual({ cashFen: shown.cashFen, pointsEarned: shown.pointsEarned, poolFen: shown.shares.poolFen, units: shown.units });
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);
});
