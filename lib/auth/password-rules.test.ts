import fc from "fast-check";
import { describe, expect, it } from "vitest";
import en from "@/messages/en/errors.json";
import zh from "@/messages/zh-CN/errors.json";
import common from "./common-passwords.json";
import { containsOwnName, isCommonPassword, normalisePassword, PASSWORD_MAX, PASSWORD_MIN, passwordProblem } from "./password-rules";

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

describe("a password that contains its owner's name or phone number", () => {
  const username = fc.stringMatching(/^[a-z0-9_]{3,32}$/);
  const phone = fc.stringMatching(/^1[3-9]\d{9}$/);
  const filler = fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789-!. "), maxLength: 20 });
  const recase = (s: string, upper: boolean[]) => [...s].map((c, i) => (upper[i % upper.length] ? c.toUpperCase() : c)).join("");
  const upper = fc.array(fc.boolean(), { minLength: 1, maxLength: 32 });

  it("is refused with its own message, whatever the case around or inside the name (property)", () => {
    fc.assert(
      fc.property(username, phone, filler, filler, upper, fc.boolean(), (name, tel, before, after, up, usePhone) => {
        const password = before + recase(usePhone ? tel : name, up) + after;
        expect(containsOwnName(password, { username: name, phone: tel })).toBe(true);
        const problem = passwordProblem(password, { username: name, phone: tel });
        expect(problem).not.toBeNull();
        // The length and common-password checks come first; past them, this is the reason given.
        if (passwordProblem(password) === null) expect(problem).toBe("password.containsName");
      }),
    );
  });

  it("catches a phone number typed in full-width digits, and the user name with spaces in it", () => {
    expect(containsOwnName("ab１３８００１３８０００cd", { username: "x_y", phone: "13800138000" })).toBe(true);
    expect(containsOwnName("Wang Lei 2026 !", { username: "wanglei" })).toBe(true);
  });

  it("does not refuse a password that contains neither (property)", () => {
    fc.assert(
      fc.property(username, phone, fc.string({ unit: fc.constantFrom(..."!#$%&*+-=?@^~ÄÖÜßñ"), minLength: PASSWORD_MIN, maxLength: 40 }), (name, tel, password) => {
        // Neither a letter, a digit nor an underscore: no user name or phone number fits in it.
        expect(containsOwnName(password, { username: name, phone: tel })).toBe(false);
        expect(passwordProblem(password, { username: name, phone: tel })).toBe(passwordProblem(password));
      }),
    );
  });

  it("says so in both languages", () => {
    expect(zh.password.containsName).toMatch(/用户名.*手机号/);
    expect(en.password.containsName).toMatch(/user name.*phone number/);
  });
});
