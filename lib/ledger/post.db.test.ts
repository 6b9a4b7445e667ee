import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db";
import { inTransaction } from "@/db/transaction";
import { balanceOf, makeCustomer, makeStore, placePaidOrder } from "@/lib/testing/fixtures";
import { customerAccounts, platformAccounts } from "./accounts";
import { mergeLegs, post, validateLegs } from "./post";

describe("ledger posting", () => {
  it("refuses a posting that does not balance for each asset", () => {
    expect(() => validateLegs([{ accountId: 1, asset: "CNY", amount: 5 }, { accountId: 2, asset: "CNY", amount: -4 }])).toThrow(/unbalanced/);
    expect(() => validateLegs([{ accountId: 1, asset: "CNY", amount: 5 }, { accountId: 3, asset: "PTS", amount: -5 }])).toThrow(/unbalanced/);
    expect(() => validateLegs([{ accountId: 1, asset: "CNY", amount: 0.5 }, { accountId: 2, asset: "CNY", amount: -0.5 }])).toThrow();
  });

  it("merges legs on one account", () => {
    expect(
      mergeLegs([
        { accountId: 1, asset: "CNY", amount: 5 },
        { accountId: 1, asset: "CNY", amount: -5 },
        { accountId: 2, asset: "CNY", amount: 3 },
      ]),
    ).toEqual([{ accountId: 2, asset: "CNY", amount: 3 }]);
  });

  it("refuses to take a guarded account below zero, and writes nothing", async () => {
    const customer = await makeCustomer();
    const count = async () => Number((await db.execute<{ n: number }>(sql`select count(*)::bigint as n from ledger_entries`)).rows[0]!.n);
    const before = await count();
    await expect(
      inTransaction(async (tx) => {
        const acc = await customerAccounts(tx, customer);
        const platform = await platformAccounts(tx);
        return post(tx, {
          kind: "withdrawal_paid",
          legs: [
            { accountId: acc.wallet, asset: "CNY", amount: -1 },
            { accountId: platform.world, asset: "CNY", amount: 1 },
          ],
        });
      }),
    ).rejects.toMatchObject({ code: "insufficient_funds" });
    expect(await count()).toBe(before);
    expect(await balanceOf({ userId: customer }, "wallet")).toBe(0);
  });

  it("ledger rows cannot be updated or deleted (I8)", async () => {
    const store = await makeStore({ payoutMode: "manual" });
    const customer = await makeCustomer();
    await placePaidOrder(customer, store.id, 5_000);
    await expect(db.execute(sql`update ledger_entries set amount = amount + 1`)).rejects.toThrow();
    await expect(db.execute(sql`delete from ledger_entries`)).rejects.toThrow();
    await expect(db.execute(sql`delete from ledger_transactions`)).rejects.toThrow();
    await expect(db.execute(sql`truncate ledger_entries cascade`)).rejects.toThrow();
  });

  it("a guarded balance cannot be set negative even by hand (I3 CHECK)", async () => {
    const customer = await makeCustomer();
    await expect(
      db.execute(sql`update accounts set balance = -1 where user_id = ${customer} and kind = 'wallet'`),
    ).rejects.toThrow();
  });
});
