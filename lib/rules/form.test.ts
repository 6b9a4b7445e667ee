import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { translateError } from "@/i18n/errors";
import { checkRules, parsePercent, parseYuanOrZero, percentInput, percentText, yuanInput } from "./form";
import { DEFAULT_RULES } from "./settings";

describe("parsePercent", () => {
  it("reads percentages with up to two decimals as exact bps", () => {
    expect(parsePercent("20")).toEqual({ ok: true, value: 2000 });
    expect(parsePercent("2.5")).toEqual({ ok: true, value: 250 });
    expect(parsePercent("12.34%")).toEqual({ ok: true, value: 1234 });
    expect(parsePercent(" 0.01 ")).toEqual({ ok: true, value: 1 });
  });

  it("refuses what is not a plain percentage", () => {
    for (const bad of ["", "-5", "1e3", "12.345", "abc", "12,5", "0x10"]) expect(parsePercent(bad).ok).toBe(false);
    expect(parsePercent("12.345")).toEqual({ ok: false, message: "rules.percentDecimals" });
    expect(translateError("zh-CN", "rules.percentDecimals")).toBe("百分比最多两位小数");
  });

  it("round-trips every bps value through the form", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), (bps) => {
        expect(parsePercent(percentInput(bps))).toEqual({ ok: true, value: bps });
        expect(parsePercent(percentText(bps))).toEqual({ ok: true, value: bps });
      }),
    );
  });
});

describe("parseYuanOrZero", () => {
  it("reads yuan as exact fen, zero included", () => {
    expect(parseYuanOrZero("0")).toEqual({ ok: true, value: 0 });
    expect(parseYuanOrZero("100")).toEqual({ ok: true, value: 10_000 });
    expect(parseYuanOrZero("¥12.5")).toEqual({ ok: true, value: 1250 });
    expect(parseYuanOrZero("1.234").ok).toBe(false);
    expect(parseYuanOrZero("-1").ok).toBe(false);
  });

  it("round-trips every amount", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000_000 }), (fen) => {
        expect(parseYuanOrZero(yuanInput(fen))).toEqual({ ok: true, value: fen });
      }),
    );
  });
});

describe("checkRules", () => {
  it("accepts the defaults and names the range of a refused field", () => {
    expect(checkRules(DEFAULT_RULES)).toEqual({ ok: true, rules: DEFAULT_RULES });
    const rebate = { message: "rules.outOfRange.rebateBps", params: { range: "3%–50%" } };
    expect(checkRules({ ...DEFAULT_RULES, rebateBps: 200 })).toEqual({ ok: false, fieldErrors: { rebateBps: rebate } });
    expect(translateError("zh-CN", rebate.message, rebate.params)).toBe("让利比例须在 3%–50% 之间");
    expect(translateError("en", rebate.message, rebate.params)).toBe("The rebate rate must be within 3%–50%");
    const min = { message: "rules.outOfRange.minOrderFen", params: { range: "¥0.00–¥1,000,000.00" } };
    expect(checkRules({ ...DEFAULT_RULES, minOrderFen: -1 })).toEqual({ ok: false, fieldErrors: { minOrderFen: min } });
    expect(translateError("zh-CN", min.message, min.params)).toBe("排队门槛须在 ¥0.00–¥1,000,000.00 之间");
  });
});
