import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { shareOf, shareOfCeil } from "./bps";

const amount = fc.integer({ min: 0, max: 100_000_000 });
const bps = fc.integer({ min: 0, max: 10_000 });

describe("shareOf", () => {
  it("is the exact floor of amount × bps / 10000", () => {
    fc.assert(
      fc.property(amount, bps, (a, b) => {
        const exact = (BigInt(a) * BigInt(b)) / 10000n;
        expect(BigInt(shareOf(a, b))).toBe(exact);
      }),
    );
  });

  it("never exceeds the amount, and 10000 bps is the whole", () => {
    fc.assert(
      fc.property(amount, bps, (a, b) => {
        expect(shareOf(a, b)).toBeLessThanOrEqual(a);
        expect(shareOf(a, 10_000)).toBe(a);
      }),
    );
  });

  it("ceil is floor, plus one when there is a remainder", () => {
    fc.assert(
      fc.property(amount, bps, (a, b) => {
        const rem = (BigInt(a) * BigInt(b)) % 10000n;
        expect(shareOfCeil(a, b)).toBe(shareOf(a, b) + (rem === 0n ? 0 : 1));
      }),
    );
  });

  it("refuses non-integers and out-of-range rates", () => {
    expect(() => shareOf(1.5, 100)).toThrow();
    expect(() => shareOf(-1, 100)).toThrow();
    expect(() => shareOf(100, 10_001)).toThrow();
    expect(() => shareOf(NaN, 100)).toThrow();
  });
});
