import fc from "fast-check";
import { locales } from "@/i18n/config";
import { translateError } from "@/i18n/errors";
import { describe, expect, it } from "vitest";
import { parseYuan } from "./parse";

describe("parseYuan", () => {
  it("parses every valid amount to exact fen", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000_000 }), fc.integer({ min: 0, max: 2 }), (fen, decimals) => {
        const yuan = Math.floor(fen / 100);
        const cents = fen % 100;
        // Write the amount with 0, 1 or 2 decimals when that loses nothing.
        let text = `${yuan}.${String(cents).padStart(2, "0")}`;
        if (decimals === 0 && cents === 0) text = `${yuan}`;
        if (decimals === 1 && cents % 10 === 0) text = `${yuan}.${cents / 10}`;
        expect(parseYuan(text)).toEqual({ ok: true, fen });
      }),
    );
  });

  it("rejects more than two decimals", () => {
    fc.assert(
      fc.property(fc.nat({ max: 999_999 }), fc.integer({ min: 1, max: 999 }), (yuan, thousandths) => {
        const text = `${yuan}.${String(thousandths).padStart(3, "0")}1`;
        expect(parseYuan(text).ok).toBe(false);
      }),
    );
  });

  it("rejects anything over ¥1,000,000", () => {
    fc.assert(
      fc.property(fc.integer({ min: 100_000_001, max: 99_999_999_999 }), (fen) => {
        expect(parseYuan(`${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, "0")}`).ok).toBe(false);
      }),
    );
    expect(parseYuan("1000000")).toEqual({ ok: true, fen: 100_000_000 });
    expect(parseYuan("1000000.01").ok).toBe(false);
  });

  it("never accepts a string that is not a plain positive decimal", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const r = parseYuan(s);
        if (r.ok) {
          expect(s.trim()).toMatch(/^\d+(\.\d{1,2})?$/);
          expect(Number.isSafeInteger(r.fen) && r.fen > 0 && r.fen <= 100_000_000).toBe(true);
        }
      }),
    );
  });

  it.each(["", "   ", "0", "0.00", "-1", "-0.5", "abc", "1e3", "Infinity", "NaN", "1,000", "12.", ".5", "1.234", "１２", "0x10"])(
    "rejects %j with a message",
    (text) => {
      const r = parseYuan(text);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message.length).toBeGreaterThan(0);
    },
  );

  it("refuses with message codes that both languages translate", () => {
    for (const text of ["", "-1", "1.234", "abc", "1000000.01"]) {
      const r = parseYuan(text);
      if (r.ok) throw new Error(`${text} was accepted`);
      for (const locale of locales) expect(translateError(locale, r.message, r.params), `${locale} ${r.message}`).not.toBe(r.message);
    }
    const tooBig = parseYuan("1000000.01");
    expect(!tooBig.ok && translateError("zh-CN", tooBig.message, tooBig.params)).toBe("金额不能超过 ¥1,000,000.00");
    expect(!tooBig.ok && translateError("en", tooBig.message, tooBig.params)).toBe("The amount cannot be more than ¥1,000,000.00");
  });

  it("rejects non-strings", () => {
    for (const v of [undefined, null, 12, 12.5, NaN, {}, []]) expect(parseYuan(v).ok).toBe(false);
  });
});
