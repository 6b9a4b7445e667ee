import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_RULES } from "./settings";
import { exitCompensation, queueUnits } from "./units";

describe("queueUnits", () => {
  it("splits ¥350 into 100 + 100 + 100 + 50 at the defaults", () => {
    expect(queueUnits(35_000, DEFAULT_RULES)).toEqual([10_000, 10_000, 10_000, 5_000]);
  });

  it("gives no entry below the minimum order", () => {
    expect(queueUnits(999, DEFAULT_RULES)).toEqual([]);
    expect(queueUnits(1000, DEFAULT_RULES)).toEqual([1000]);
  });

  it("units sum to the target, each at most the cap, only the last smaller", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.oneof(fc.constant(0), fc.integer({ min: 1000, max: 1_000_000 })),
        (cash, freeBps, unitCapFen) => {
          const units = queueUnits(cash, { freeBps, unitCapFen, minOrderFen: 0 });
          const target = Math.floor((cash * freeBps) / 10_000);
          expect(units.reduce((a, b) => a + b, 0)).toBe(target);
          // One expect per property, not per unit: a case has up to 10,000 units, and an expect
          // per unit made this the slowest unit test (seconds). fast-check shrinks a failure anyway.
          expect(units.every((u) => u > 0)).toBe(true);
          if (unitCapFen > 0) {
            expect(units.every((u) => u <= unitCapFen)).toBe(true);
            expect(units.slice(0, -1).every((u) => u === unitCapFen)).toBe(true);
          } else {
            expect(units.length).toBeLessThanOrEqual(1);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("exit compensation is floor(T × bps / 10000)", () => {
    expect(exitCompensation(10_000, 1000)).toBe(1000);
    expect(exitCompensation(999, 1000)).toBe(99);
  });
});
