import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_RULES } from "./settings";
import { computeShares } from "./shares";

describe("computeShares", () => {
  it("matches SPEC's worked example: ¥100 at the defaults", () => {
    expect(computeShares(10_000, DEFAULT_RULES)).toEqual({
      rebateFen: 2000,
      platformFeeFen: 200,
      pointsEarned: 500,
      poolFen: 1300,
      merchantNetFen: 8000,
    });
  });

  it("shares always add back to the cash, none negative, each floored", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000_000 }),
        fc.integer({ min: 300, max: 5000 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        (cash, rebateBps, platformFeeBps, pointsRaw) => {
          const pointsBps = Math.min(pointsRaw, 10_000 - platformFeeBps);
          const s = computeShares(cash, { rebateBps, platformFeeBps, pointsBps });
          expect(s.merchantNetFen + s.platformFeeFen + s.pointsEarned + s.poolFen).toBe(cash);
          expect(s.rebateFen).toBe(Math.floor((cash * rebateBps) / 10_000));
          expect(s.platformFeeFen).toBe(Math.floor((s.rebateFen * platformFeeBps) / 10_000));
          expect(s.pointsEarned).toBe(Math.floor((s.rebateFen * pointsBps) / 10_000));
          for (const v of Object.values(s)) expect(v).toBeGreaterThanOrEqual(0);
          // The merchant keeps at least their share: rounding never takes from them.
          expect(s.merchantNetFen).toBeGreaterThanOrEqual(cash - Math.ceil((cash * rebateBps) / 10_000));
        },
      ),
    );
  });
});
