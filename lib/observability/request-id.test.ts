import { describe, expect, it } from "vitest";
import { REQUEST_ID_HEADER, requestIdFrom } from "./request-id";

const h = (v?: string) => new Headers(v === undefined ? {} : { [REQUEST_ID_HEADER]: v });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("request id", () => {
  it("keeps a well-formed id from a load balancer", () => {
    expect(requestIdFrom(h("lb-4f2a9c1e-77"))).toBe("lb-4f2a9c1e-77");
    expect(requestIdFrom(h("Root=1-5759e988-bd862e3fe1be46a994272793"))).not.toBe("Root=1-5759e988-bd862e3fe1be46a994272793");
  });
  it("makes a new random one when none came, or one that could carry anything into the logs", () => {
    for (const bad of [undefined, "", "short", "<script>alert(1)</script>", "a b c d e f g h", "x".repeat(129), "id;forged=log-line"]) {
      expect(requestIdFrom(h(bad)), String(bad)).toMatch(UUID);
    }
    expect(requestIdFrom(h())).not.toBe(requestIdFrom(h()));
  });
});
