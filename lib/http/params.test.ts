import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { idParam } from "./params";

describe("idParam", () => {
  it("accepts every positive safe integer written in plain digits", () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (n) => {
      expect(idParam().parse(String(n))).toBe(n);
    }));
  });

  it.each(["0", "-1", "01", "0x1", "1e0", " 1", "1 ", "1.0", "", "abc", "9007199254740993", "1".repeat(20)])("refuses %j", (raw) => {
    expect(idParam().safeParse(raw).success).toBe(false);
  });

  it("says the form's own message code for a missing, mistyped or lenient id (server actions)", () => {
    for (const raw of [undefined, 12, null, "0X1", "+1", "１"]) {
      const r = idParam("queue.entryInvalid").safeParse(raw);
      expect(r.success).toBe(false);
      if (!r.success) expect(r.error.issues.map((i) => i.message)).toEqual(["queue.entryInvalid"]);
    }
  });
});
