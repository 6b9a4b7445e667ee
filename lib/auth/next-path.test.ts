import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loginPath, safeNextPath } from "./next-path";

describe("safeNextPath", () => {
  it("keeps same-site relative paths with their query", () => {
    expect(safeNextPath("/me")).toBe("/me");
    expect(safeNextPath("/s/tea-house?x=1#top")).toBe("/s/tea-house?x=1#top");
  });

  it.each(["", "me", "//evil.com", "/\\evil.com", "https://evil.com/", "/a\nb", "javascript:alert(1)", null, 42])(
    "refuses %j",
    (raw) => {
      expect(safeNextPath(raw)).toBeNull();
    },
  );

  it("leaves percent-encoded characters encoded (harmless in a Location header)", () => {
    expect(safeNextPath("/%0d%0aSet-Cookie:x")).toBe("/%0d%0aSet-Cookie:x");
  });

  it("never returns something that leaves the site", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const out = safeNextPath(s);
        if (out === null) return;
        expect(out.startsWith("/")).toBe(true);
        expect(out.startsWith("//")).toBe(false);
        expect(new URL(out, "https://freeline.example").origin).toBe("https://freeline.example");
      }),
    );
  });

  it("builds login links", () => {
    expect(loginPath("/merchant/queue")).toBe("/login?next=%2Fmerchant%2Fqueue");
    expect(loginPath("//evil.com")).toBe("/login");
    expect(loginPath(undefined)).toBe("/login");
  });
});
