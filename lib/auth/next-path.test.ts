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

  // The three targets the security review reported: each is fine as typed, but normalises to
  // "//evil.example", which a browser follows to another site.
  it.each(["/.//evil.example", "/%2e//evil.example", "/x/..//evil.example", "/.//evil.example/phish"])(
    "refuses %j, which normalises to another site",
    (raw) => {
      expect(safeNextPath(raw)).toBeNull();
    },
  );

  it("keeps dot segments that stay on the site, resolved", () => {
    expect(safeNextPath("/me/../s/tea-house")).toBe("/s/tea-house");
    expect(safeNextPath("/./me")).toBe("/me");
    expect(safeNextPath("/%2e%2e/me")).toBe("/me");
  });

  // Paths built from the pieces that confuse URL parsers: dot segments (plain and percent-encoded),
  // encoded slashes and backslashes, raw backslashes, tabs and newlines, doubled slashes, and a
  // host-looking segment for them to smuggle out.
  const piece = fc.constantFrom(
    "", ".", "..", "%2e", "%2E", "%2e%2e", ".%2e", "%2E.", "%2f", "%2F", "%5c", "%5C", "\\", "\t", "\n", "\r",
    "%09", "%0a", "%00", " ", "evil.example", "x", "@evil.example", "evil.example:80", "http:", "?", "#", "?a=/",
  );
  const separator = fc.constantFrom("/", "//", "///", "\\", "/\\", "\t/", "/\n", "");
  const start = fc.constantFrom("/", "//", "\\", "/\\", "", "./", "/.", "/%2e", "/..", "\t/", " /");
  const hostilePath = fc
    .tuple(start, fc.array(fc.tuple(piece, separator), { maxLength: 8 }))
    .map(([head, rest]) => head + rest.map(([p, sep]) => p + sep).join(""));

  it("returns only paths that stay on the site, as typed and when followed again", () => {
    fc.assert(
      fc.property(hostilePath, (raw) => {
        const out = safeNextPath(raw);
        if (out === null) return;
        expect(out).toMatch(/^\/(?![/\\])/);
        expect(out).not.toMatch(/[\u0000-\u001f\u007f\\]/);
        for (const base of ["https://freeline.example", "https://freeline.example/s/tea-house?x=1", "http://localhost:3000/a/b/"]) {
          expect(new URL(out, base).origin).toBe(new URL(base).origin);
        }
        // What it returns needs no more normalising: checked again, it comes back unchanged.
        expect(safeNextPath(out)).toBe(out);
      }),
      { numRuns: 5000 },
    );
  });

  it("builds login links", () => {
    expect(loginPath("/merchant/queue")).toBe("/login?next=%2Fmerchant%2Fqueue");
    expect(loginPath("//evil.com")).toBe("/login");
    expect(loginPath(undefined)).toBe("/login");
  });
});
