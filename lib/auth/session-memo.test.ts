import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SessionMemo, sessionKey, TTL_MS } from "./session-memo";

const token = (v: string) => ({ name: "authjs.session-token", value: v });

describe("the session memo's key", () => {
  it("is null without a session cookie, or with an empty one: anonymous, nothing to decode", () => {
    expect(sessionKey([], "https")).toBeNull();
    expect(sessionKey([{ name: "NEXT_LOCALE", value: "en" }, { name: "theme", value: "dark" }], "https")).toBeNull();
    expect(sessionKey([token("")], "http")).toBeNull();
    expect(sessionKey([{ name: "authjs.session-token-x", value: "a" }, { name: "xauthjs.session-token", value: "b" }], null)).toBeNull();
  });

  it("leaves other cookies out, and the order of the cookies does not count", () => {
    const a = sessionKey([{ name: "NEXT_LOCALE", value: "en" }, token("abc")], "https");
    expect(a).toBe(sessionKey([token("abc"), { name: "theme", value: "light" }], "https"));
    const chunks = [
      { name: "__Secure-authjs.session-token.1", value: "second" },
      { name: "__Secure-authjs.session-token.0", value: "first" },
    ];
    expect(sessionKey(chunks, "https")).toBe(sessionKey([...chunks].reverse(), "https"));
  });

  it("differs for another token, another chunk, another cookie name or another scheme", () => {
    const keys = [
      sessionKey([token("abc")], "https"),
      sessionKey([token("abd")], "https"),
      sessionKey([token("abc")], "http"),
      sessionKey([{ name: "__Secure-authjs.session-token", value: "abc" }], "https"),
      sessionKey([token("abc"), { name: "authjs.session-token.1", value: "x" }], "https"),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("is a fixed-size hash, however large the cookies and the scheme header", () => {
    const key = sessionKey([token("abc"), { name: "__Secure-authjs.session-token", value: "x".repeat(10_000) }], "h".repeat(5_000));
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("never gives two different token values one key (property)", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (a, b) => {
        fc.pre(a !== b);
        expect(sessionKey([token(a)], "https")).not.toBe(sessionKey([token(b)], "https"));
      }),
    );
  });
});

describe("the session memo", () => {
  it("answers for TTL_MS, then forgets", () => {
    let now = 1_000;
    const memo = new SessionMemo(() => now);
    memo.set("k", { userId: 7, sessionVersion: 2 });
    now += TTL_MS - 1;
    expect(memo.get("k")).toEqual({ userId: 7, sessionVersion: 2 });
    now += 1;
    expect(memo.get("k")).toBeNull();
    expect(memo.size).toBe(0);
    expect(memo.get("unknown")).toBeNull();
  });

  it("keeps at most its bound, dropping the oldest", () => {
    const memo = new SessionMemo(Date.now, TTL_MS, 3);
    for (const k of ["a", "b", "c", "d"]) memo.set(k, { userId: 1, sessionVersion: 0 });
    expect(memo.size).toBe(3);
    expect(memo.get("a")).toBeNull();
    expect(memo.get("d")).not.toBeNull();
    // Set again, a key is the newest: "b" goes next, not "c".
    memo.set("c", { userId: 1, sessionVersion: 0 });
    memo.set("e", { userId: 1, sessionVersion: 0 });
    expect(memo.get("b")).toBeNull();
    expect(memo.get("c")).not.toBeNull();
  });
});
