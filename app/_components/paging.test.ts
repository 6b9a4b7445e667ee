import { describe, expect, it } from "vitest";
import { pagedHref, pageParam } from "./paging";

describe("paged list URLs", () => {
  it("keeps the first unfiltered page bare and leaves out empty filters", () => {
    expect(pagedHref("/merchant/orders", { q: "", page: 1 })).toBe("/merchant/orders");
    expect(pagedHref("/operator/audit", { action: undefined, page: 3 })).toBe("/operator/audit?page=3");
    expect(pagedHref("/merchant/orders", { q: "FL26", page: 2 })).toBe("/merchant/orders?q=FL26&page=2");
  });

  it("reads any odd ?page= as page 1", () => {
    for (const raw of [undefined, "", "0", "-2", "1.5", "abc", "99999999"]) expect(pageParam.parse(raw)).toBe(1);
    expect(pageParam.parse("4")).toBe(4);
  });
});
