import { describe, expect, it } from "vitest";
import { makeCustomer, makeStore, placePaidOrder } from "@/lib/testing/fixtures";
import { searchAll } from "./search";

const NOTHING = { orders: [], people: [], stores: [] };

describe("operator search, bad input", () => {
  it("text Postgres cannot hold (a NUL, a lone surrogate) finds nothing instead of failing", async () => {
    for (const q of ["\u0000", "a\u0000b", "\ud800", "x\udc00"]) {
      expect(await searchAll(q), JSON.stringify(q)).toEqual(NOTHING);
    }
  });

  it("blank input finds nothing; an overlong one is cut to 64 characters and still finds the order", async () => {
    expect(await searchAll("   ")).toEqual(NOTHING);
    const paid = await placePaidOrder(await makeCustomer(), (await makeStore()).id, 3_000);
    const found = await searchAll(`${paid.orderNo}${"x".repeat(5_000)}`);
    expect(found.orders).toEqual([]);
    expect((await searchAll(`${" ".repeat(3)}${paid.orderNo}`)).orders.map((o) => o.orderNo)).toEqual([paid.orderNo]);
  });
});
