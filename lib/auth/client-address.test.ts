import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clientAddress, normaliseAddress, UNKNOWN_ADDRESS } from "./client-address";

const h = (v: Record<string, string>) => new Headers(v);

describe("clientAddress", () => {
  it("believes no header when none is configured", () => {
    expect(clientAddress(h({ "x-forwarded-for": "1.2.3.4" }), { hops: 1 })).toBe(UNKNOWN_ADDRESS);
    expect(clientAddress(h({ "x-real-ip": "1.2.3.4" }), { hops: 1 })).toBe(UNKNOWN_ADDRESS);
  });

  it("takes the entry `hops` places from the right: what the trusted proxies saw", () => {
    const xff = h({ "x-forwarded-for": "6.6.6.6, 203.0.113.7, 10.0.0.2" });
    expect(clientAddress(xff, { header: "x-forwarded-for", hops: 1 })).toBe("10.0.0.2");
    expect(clientAddress(xff, { header: "x-forwarded-for", hops: 2 })).toBe("203.0.113.7");
    // Fewer entries than proxies: the chain is not what was configured, so nothing is believed.
    expect(clientAddress(xff, { header: "x-forwarded-for", hops: 4 })).toBe(UNKNOWN_ADDRESS);
    expect(clientAddress(h({}), { header: "x-forwarded-for", hops: 1 })).toBe(UNKNOWN_ADDRESS);
  });

  it("normalises forms of one address and refuses non-addresses", () => {
    expect(normaliseAddress("::FFFF:1.2.3.4")).toBe("1.2.3.4");
    expect(normaliseAddress("1.2.3.4:5678")).toBe("1.2.3.4");
    expect(normaliseAddress("[2001:DB8::1]:443")).toBe("2001:db8::1");
    for (const bad of ["", "unknown", "1.2.3", "<script>", "' or 1=1 --", "999.1.1.1"]) expect(normaliseAddress(bad)).toBeNull();
  });

  it("a client cannot pick its bucket by prepending entries (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 5 }), fc.ipV4(), (forged, real) => {
        const value = [...forged.map((s) => s.replaceAll(",", "")), real].join(", ");
        expect(clientAddress(h({ "x-forwarded-for": value }), { header: "x-forwarded-for", hops: 1 })).toBe(normaliseAddress(real));
      }),
    );
  });
});
