import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { orderPreview, pointsForAmount } from "./preview";
import { DEFAULT_RULES } from "./settings";

describe("orderPreview", () => {
  it("splits the amount into cash and points, and the cash into shares and units, without losing a fen", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2_000_000 }),
        fc.nat(),
        fc.integer({ min: 300, max: 5000 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.constantFrom(0, 1000, 10_000, 50_000),
        fc.integer({ min: 0, max: 100_000 }),
        (amountFen, p, rebateBps, freeBps, unitCapFen, minOrderFen) => {
          const pointsUsed = p % amountFen;
          const v = orderPreview(amountFen, pointsUsed, { ...DEFAULT_RULES, rebateBps, freeBps, unitCapFen, minOrderFen });
          expect(v.cashFen + v.pointsUsed).toBe(amountFen);
          expect(v.shares.rebateFen + v.shares.merchantNetFen).toBe(v.cashFen);
          expect(v.shares.platformFeeFen + v.pointsEarned + v.shares.poolFen).toBe(v.shares.rebateFen);
          if (v.cashFen < minOrderFen) expect([v.units, v.shortOfQueueFen]).toEqual([[], minOrderFen - v.cashFen]);
          else expect(v.shortOfQueueFen).toBe(0);
          for (const u of v.units) expect(Number.isSafeInteger(u) && u > 0 && (unitCapFen === 0 || u <= unitCapFen)).toBe(true);
        },
      ),
    );
  });

  it("tells a ¥5 order at a ¥10 minimum that ¥5 more joins the queue", () => {
    const v = orderPreview(5_00, 0, DEFAULT_RULES);
    expect([v.units, v.shortOfQueueFen, v.pointsEarned]).toEqual([[], 5_00, 25]);
  });

  it("the points switch uses all available points but leaves at least 1 fen in cash", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000_000 }), fc.nat(200_000_000), (amountFen, available) => {
        const used = pointsForAmount(amountFen, available);
        expect(used).toBe(Math.min(available, amountFen - 1));
        expect(amountFen - used).toBeGreaterThanOrEqual(1);
      }),
    );
  });
});
