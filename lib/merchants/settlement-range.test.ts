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

describe("the settlement report's query, parsed with zod", () => {
  const today = "2026-12-07";
  it("takes the page's searchParams as they come: blank bounds are left out, other parameters ignored", () => {
    expect(parseSettlementRange({ from: " 2026-12-01 ", to: "", page: "2" }, today)).toEqual({ ok: true, range: { from: "2026-12-01", to: today } });
    expect(parseSettlementRange(undefined, today)).toEqual({ ok: true, range: { from: "2026-11-08", to: today } });
  });
  it("refuses a repeated or overlong parameter as an invalid date", () => {
    expect(parseSettlementRange({ from: ["2026-12-01", "2026-12-02"] }, today)).toEqual({ ok: false, error: "date.invalid" });
    expect(parseSettlementRange({ to: "2026-12-01T00:00:00Z" }, today)).toEqual({ ok: false, error: "date.invalid" });
    expect(parseSettlementRange({ from: 20261201 }, today)).toEqual({ ok: false, error: "date.invalid" });
  });
});
