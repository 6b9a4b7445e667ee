import { describe, expect, it } from "vitest";
import { parseSettlementRange } from "./settlement-range";

describe("the settlement report's range", () => {
  const today = "2026-12-07";
  it("defaults to the last 30 days, and takes either bound alone", () => {
    expect(parseSettlementRange({}, today)).toEqual({ ok: true, range: { from: "2026-11-08", to: today } });
    expect(parseSettlementRange({ to: "2026-03-01" }, today)).toEqual({ ok: true, range: { from: "2026-01-31", to: "2026-03-01" } });
    expect(parseSettlementRange({ from: "2026-12-01", to: "" }, today)).toEqual({ ok: true, range: { from: "2026-12-01", to: today } });
    expect(parseSettlementRange({ from: "2025-12-07", to: "2026-12-07" }, today)).toMatchObject({ ok: true });
  });
  it("refuses dates that do not exist, a reversed range and more than 366 days", () => {
    expect(parseSettlementRange({ from: "2026-02-30" }, today)).toEqual({ ok: false, error: "date.invalid" });
    expect(parseSettlementRange({ to: "tomorrow" }, today)).toEqual({ ok: false, error: "date.invalid" });
    expect(parseSettlementRange({ from: "2026-12-02", to: "2026-12-01" }, today)).toEqual({ ok: false, error: "date.fromAfterTo" });
    expect(parseSettlementRange({ from: "2025-12-06", to: "2026-12-07" }, today)).toEqual({ ok: false, error: "settlement.rangeTooLong" });
  });
});
