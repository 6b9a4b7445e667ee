import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { originProblem } from "./origin";

const h = (v: Record<string, string>) => new Headers(v);

describe("originProblem", () => {
  it("lets reads through and checks every write", () => {
    expect(originProblem("GET", h({}))).toBeNull();
    expect(originProblem("HEAD", h({ origin: "https://evil.example" }))).toBeNull();
    expect(originProblem("POST", h({ host: "shop.example", origin: "https://shop.example" }))).toBeNull();
    expect(originProblem("POST", h({ host: "shop.example" }))).toBe("missing");
    expect(originProblem("DELETE", h({ host: "shop.example", origin: "null" }))).toBe("missing");
    expect(originProblem("POST", h({ host: "shop.example", origin: "https://evil.example" }))).toBe("foreign");
    expect(originProblem("POST", h({ host: "shop.example", origin: "https://shop.example.evil.example" }))).toBe("foreign");
    expect(originProblem("PUT", h({ host: "shop.example", origin: "not a url" }))).toBe("foreign");
    // Behind a proxy, the host the browser used is in x-forwarded-host.
    expect(originProblem("POST", h({ host: "10.0.0.5:3000", "x-forwarded-host": "shop.example", origin: "https://shop.example" }))).toBeNull();
  });

  it("accepts a write only when the Origin's host is the request's host (property)", () => {
    fc.assert(
      fc.property(fc.webUrl(), fc.domain(), fc.constantFrom("POST", "PUT", "PATCH", "DELETE"), (origin, host, method) => {
        const ok = originProblem(method, h({ host, origin })) === null;
        expect(ok).toBe(new URL(origin).host === host);
      }),
    );
  });
});
