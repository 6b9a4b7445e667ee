import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { originProblem } from "./origin";

const h = (v: Record<string, string>) => new Headers(v);

describe("originProblem", () => {
  it("lets reads through and checks every write", () => {
    expect(originProblem("GET", h({}), null)).toBeNull();
    expect(originProblem("HEAD", h({ origin: "https://evil.example" }), null)).toBeNull();
    expect(originProblem("POST", h({ host: "shop.example", origin: "https://shop.example" }), null)).toBeNull();
    expect(originProblem("POST", h({ host: "shop.example" }), null)).toBe("missing");
    expect(originProblem("DELETE", h({ host: "shop.example", origin: "null" }), null)).toBe("missing");
    expect(originProblem("POST", h({ host: "shop.example", origin: "https://evil.example" }), null)).toBe("foreign");
    expect(originProblem("POST", h({ host: "shop.example", origin: "https://shop.example.evil.example" }), null)).toBe("foreign");
    expect(originProblem("PUT", h({ host: "shop.example", origin: "not a url" }), null)).toBe("foreign");
    // A forwarded host is never believed: a script sets it together with a matching Origin.
    expect(originProblem("POST", h({ host: "shop.example", "x-forwarded-host": "evil.example", origin: "https://evil.example" }), null)).toBe("foreign");
  });

  it("with a public origin configured, the Origin must be exactly it, whatever Host and X-Forwarded-Host say", () => {
    const pub = "https://shop.example";
    expect(originProblem("POST", h({ host: "10.0.0.5:3000", origin: "https://shop.example" }), pub)).toBeNull();
    expect(originProblem("POST", h({ host: "10.0.0.5:3000", "x-forwarded-host": "shop.example", origin: "https://shop.example" }), pub)).toBeNull();
    // The probe's forged pair: X-Forwarded-Host and Origin both naming the attacker's site.
    expect(originProblem("POST", h({ host: "shop.example", "x-forwarded-host": "evil.example", origin: "http://evil.example" }), pub)).toBe("foreign");
    expect(originProblem("POST", h({ host: "evil.example", origin: "https://evil.example" }), pub)).toBe("foreign");
    // Same host, another scheme or port: another origin.
    expect(originProblem("POST", h({ host: "shop.example", origin: "http://shop.example" }), pub)).toBe("foreign");
    expect(originProblem("POST", h({ host: "shop.example", origin: "https://shop.example:8443" }), pub)).toBe("foreign");
    expect(originProblem("POST", h({ host: "shop.example" }), pub)).toBe("missing");
  });

  it("accepts a write only when the Origin's host is the request's host, a forged X-Forwarded-Host notwithstanding (property)", () => {
    // An Origin header is a scheme and an authority, nothing after it. (fc.webUrl() also draws
    // paths and queries, which the check never reads, at about 0.2 s a URL.) Half the requests are
    // sent to the Origin's own host, so both answers are drawn often.
    const originHeader = fc.tuple(fc.constantFrom("http", "https"), fc.webAuthority({ withPort: true })).map(([scheme, authority]) => `${scheme}://${authority}`);
    fc.assert(
      fc.property(originHeader, fc.domain(), fc.boolean(), fc.constantFrom("POST", "PUT", "PATCH", "DELETE"), (origin, otherHost, sameHost, method) => {
        const host = sameHost ? new URL(origin).host : otherHost;
        const ok = originProblem(method, h({ host, origin, "x-forwarded-host": new URL(origin).host }), null) === null;
        expect(ok).toBe(new URL(origin).host === host);
      }),
    );
  });
});
