import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { inTransaction } from "@/db/transaction";
import { createStore } from "@/lib/merchants/store";
import { DEFAULT_RULES } from "@/lib/rules/settings";
import { makeCustomer, makeStore, placePaidOrder } from "@/lib/testing/fixtures";
import { expectLedgerClean } from "@/lib/testing/verify";
import { requestWithdrawal } from "@/lib/wallet/withdrawals";
import { bindTestAlipay } from "@/lib/testing/payout";
import { merchantApplications, pendingWithdrawals } from "./overview";

afterAll(expectLedgerClean);

// Other test files share the database: compare before and after, never absolute counts.
describe("operator overview", () => {
  it("counts pending withdrawals with their total and the oldest one", async () => {
    const customer = await makeCustomer();
    // Half of each order freed at once into the wallet: ¥40 for an ¥80 order.
    const store = await makeStore({ rebateBps: 5000, platformFeeBps: 0, pointsBps: 0, freeBps: 5000, unitCapFen: 0, minOrderFen: 0 });
    await placePaidOrder(customer, store.id, 8_000);

    const before = await pendingWithdrawals();
    const payoutAccountId = await bindTestAlipay(customer);
    const w = await inTransaction((tx) => requestWithdrawal(tx, { userId: customer, amountFen: 1_500, payoutAccountId }));
    const after = await pendingWithdrawals();
    expect(after.count).toBe(before.count + 1);
    expect(after.totalFen).toBe(before.totalFen + 1_500);
    expect(after.oldest).not.toBeNull();
    if (before.oldest === null) expect(after.oldest).toMatchObject({ id: w.id, amountFen: 1_500, userName: "Test" });
    else expect(after.oldest!.id).toBe(before.oldest.id);
  });

  it("counts pending merchant applications, not approved stores", async () => {
    const before = await merchantApplications();
    await makeStore();
    expect((await merchantApplications()).count).toBe(before.count);

    const owner = await makeCustomer("merchant");
    const slug = `apply-${randomUUID().slice(0, 8)}`;
    const m = await db.transaction((tx) =>
      createStore(tx, { ownerUserId: owner, slug, name: "申请中的店", rules: DEFAULT_RULES, approved: false }),
    );
    const after = await merchantApplications();
    expect(after.count).toBe(before.count + 1);
    if (before.oldest === null) expect(after.oldest).toMatchObject({ id: m.id, slug, name: "申请中的店" });
    else expect(after.oldest!.id).toBe(before.oldest.id);
  });
});
