import { describe, expect, it } from "vitest";
import { db } from "@/db";
import { makeCustomer } from "@/lib/testing/fixtures";
import { DEFAULT_RULES } from "@/lib/rules/settings";
import { approvedStore, createStore } from "./store";

describe("approvedStore", () => {
  it("finds an approved store with its current rules", async () => {
    const owner = await makeCustomer("merchant");
    const m = await db.transaction((tx) =>
      createStore(tx, { ownerUserId: owner, slug: `ok-${owner}`, name: "OK", rules: { ...DEFAULT_RULES, rebateBps: 3100 }, approved: true }),
    );
    const store = await approvedStore(db, { slug: `ok-${owner}` });
    expect(store.merchant.id).toBe(m.id);
    expect(store.rule).toMatchObject({ version: 1, rebateBps: 3100 });
  });

  it("refuses unknown and unapproved stores alike", async () => {
    const owner = await makeCustomer("merchant");
    await db.transaction((tx) =>
      createStore(tx, { ownerUserId: owner, slug: `pending-${owner}`, name: "Pending", rules: DEFAULT_RULES, approved: false }),
    );
    await expect(approvedStore(db, { slug: `pending-${owner}` })).rejects.toMatchObject({ code: "not_found" });
    await expect(approvedStore(db, { slug: "no-such-store-anywhere" })).rejects.toMatchObject({ code: "not_found" });
  });
});
