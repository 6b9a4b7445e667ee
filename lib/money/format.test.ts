import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatFen } from "./format";

/** Reads a formatted amount back into fen, using bigint so the check itself is exact. */
function parse(s: string): bigint {
  const m = /^(-?)¥(\d{1,3}(?:,\d{3})*)\.(\d{2})$/.exec(s);
  if (!m) throw new Error(`unexpected format: ${s}`);
  const fen = BigInt(m[2]!.replaceAll(",", "")) * 100n + BigInt(m[3]!);
  return m[1] === "-" ? -fen : fen;
}

describe("formatFen", () => {
  it("formats the examples people see", () => {
    expect(formatFen(0)).toBe("¥0.00");
    expect(formatFen(5)).toBe("¥0.05");
    expect(formatFen(1234)).toBe("¥12.34");
    expect(formatFen(10000)).toBe("¥100.00");
    expect(formatFen(100_000_000)).toBe("¥1,000,000.00");
    expect(formatFen(-1234)).toBe("-¥12.34");
  });

  it("round-trips every safe integer exactly", () => {
    fc.assert(
      fc.property(fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), (fen) => {
        expect(parse(formatFen(fen))).toBe(BigInt(fen));
      }),
    );
  });

  it("round-trips the order range, including values near 2^53", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: 0, max: 100_000_000 }),
          fc.integer({ min: Number.MAX_SAFE_INTEGER - 10_000, max: Number.MAX_SAFE_INTEGER }),
        ),
        (fen) => {
          const s = formatFen(fen);
          expect(parse(s)).toBe(BigInt(fen));
          expect(s.startsWith("¥")).toBe(true);
        },
      ),
    );
  });

  it("is an odd function: negating the amount only adds a minus sign", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (fen) => {
        expect(formatFen(-fen)).toBe(`-${formatFen(fen)}`);
      }),
    );
  });

  it("rejects non-integers rather than rounding them", () => {
    expect(() => formatFen(12.5)).toThrow(RangeError);
    expect(() => formatFen(Number.NaN)).toThrow(RangeError);
    expect(() => formatFen(2 ** 53)).toThrow(RangeError);
  });
});
