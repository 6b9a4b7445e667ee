import fc from "fast-check";
import { describe, expect, it } from "vitest";
import en from "@/messages/en/errors.json";
import zh from "@/messages/zh-CN/errors.json";
import common from "./common-passwords.json";
import { isCommonPassword, normalisePassword, PASSWORD_MAX, PASSWORD_MIN, passwordProblem } from "./password-rules";

describe("password rules", () => {
  it("keeps the demo accounts' passwords valid", () => {
    for (const p of ["demo-pass-2026", "guest-pass-2026", "operator-pass-2026", "merchant-pass-2026"]) expect(passwordProblem(p)).toBeNull();
  });

  it("explains each refusal", () => {
    expect(passwordProblem("")).toBe("password.required");
    expect(passwordProblem("abc-12345")).toBe("password.tooShort");
    expect(passwordProblem("x".repeat(129))).toBe("password.tooLong");
    expect(passwordProblem("Password123")).toBe("password.common");
    expect(passwordProblem("WOAINI 1314")).toBe("password.common");
    expect(passwordProblem("１２３４５６７８９０")).toBe("password.common"); // full-width digits
  });

  it("the messages state the limits the code enforces, in both languages", () => {
    for (const m of [zh, en]) {
      expect(m.password.tooShort).toContain(String(PASSWORD_MIN));
      expect(m.password.tooLong).toContain(String(PASSWORD_MAX));
    }
  });

  it("the list is stored normalised, so every entry is refused whatever its case (property)", () => {
    for (const p of common) expect(normalisePassword(p)).toBe(p);
    fc.assert(
      fc.property(fc.constantFrom(...common.filter((p) => p.length >= PASSWORD_MIN)), fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }), (p, upper) => {
        const mixed = [...p].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join("");
        expect(isCommonPassword(mixed)).toBe(true);
        expect(passwordProblem(mixed)).not.toBeNull();
      }),
    );
  });

  it("accepts exactly the passwords of 10–128 characters that are not common (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 140 }), (p) => {
        const n = [...p].length;
        const ok = n >= PASSWORD_MIN && n <= PASSWORD_MAX && !isCommonPassword(p);
        expect(passwordProblem(p) === null).toBe(ok);
      }),
    );
  });

  it("one character repeated is never accepted (property)", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 1 }).filter((c) => c.trim() !== ""), fc.integer({ min: PASSWORD_MIN, max: PASSWORD_MAX }), (c, k) => {
        expect(passwordProblem(c.repeat(k))).not.toBeNull();
      }),
    );
  });
});
