import { describe, expect, it } from "vitest";
import { mapFirst, mapRows } from "./rows";

const result = (...r: Record<string, unknown>[]) => ({ rows: r });

describe("raw row mappers", () => {
  it("reads int8 numbers, numeric sums as integer strings, and both shapes of timestamps", () => {
    const got = mapRows(result({ id: 7, total: "1200", at: "2026-01-02 03:04:05+00", seen: new Date(0), note: null }), (r) => ({
      id: r.int("id"),
      total: r.int("total"),
      at: r.date("at"),
      seen: r.date("seen"),
      note: r.strOrNull("note"),
    }));
    expect(got).toEqual([{ id: 7, total: 1200, at: new Date("2026-01-02T03:04:05Z"), seen: new Date(0), note: null }]);
  });

  it("refuses a missing column, a fraction, an unsafe integer and a value outside its list, naming the column", () => {
    expect(() => mapFirst(result({ id: 1 }), (r) => r.int("idd"))).toThrow(/column idd .*no such column/);
    expect(() => mapFirst(result({ total: "12.5" }), (r) => r.int("total"))).toThrow(/column total should be an integer/);
    expect(() => mapFirst(result({ total: "9007199254740993" }), (r) => r.int("total"))).toThrow(/integer/);
    expect(() => mapFirst(result({ s: "gone" }), (r) => r.oneOf("s", ["paid", "waiting"]))).toThrow(/one of paid, waiting/);
    expect(() => mapFirst(result({ at: "soon" }), (r) => r.date("at"))).toThrow(/timestamp/);
  });

  it("gives undefined for no first row, and null only where null is allowed", () => {
    expect(mapFirst(result(), (r) => r.int("n"))).toBeUndefined();
    expect(mapFirst(result({ n: null }), (r) => r.intOrNull("n"))).toBeNull();
    expect(() => mapFirst(result({ n: null }), (r) => r.int("n"))).toThrow(/integer/);
    expect(mapFirst(result({ k: null }), (r) => r.oneOfOrNull("k", ["fifo", "draw"]))).toBeNull();
    expect(() => mapFirst(result({ k: "raffle" }), (r) => r.oneOfOrNull("k", ["fifo", "draw"]))).toThrow(/one of fifo, draw/);
  });
});
