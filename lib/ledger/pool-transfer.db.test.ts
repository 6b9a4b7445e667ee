import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { inTransaction } from "@/db/transaction";
import { lockQueue } from "@/lib/queue/lock";
import { verifyBooks } from "@/lib/queue/verify";
import { balanceOf, makeCustomer, makeStore, placePaidOrder } from "@/lib/testing/fixtures";
import { expectLedgerClean } from "@/lib/testing/verify";
import { customerAccounts } from "./accounts";
import { post } from "./post";
import { transferPool } from "./pool-transfer";

afterAll(expectLedgerClean);

/** Two stores, the first with money in its pool (a ¥100 order at the defaults puts 1300 fen there). */
async function twoPools() {
  const operator = await makeCustomer("operator");
  const a = await makeStore({ minOrderFen: 100_000 }); // no entry joins, so the pool just fills
  const b = await makeStore();
  await placePaidOrder(await makeCustomer(), a.id, 10_000);
  return { operator, a, b };
}

const transfersOf = async (queueId: number) =>
  (await db.execute<{ id: number }>(sql`select id from ledger_transactions where kind = 'pool_transfer' and queue_id = ${queueId}`)).rows;

describe("transferPool", () => {
  it("moves money from one pool to another as one balanced two-leg posting", async () => {
    const { operator, a, b } = await twoPools();
    expect(await balanceOf({ queueId: a.queueId! }, "pool")).toBe(1300);
    const txId = await inTransaction(async (tx) => {
      const from = await lockQueue(tx, a.queueId!);
      const to = await lockQueue(tx, b.queueId!);
      return transferPool(tx, { fromPoolAccountId: from.poolAccountId, toPoolAccountId: to.poolAccountId, amountFen: 1000, actorUserId: operator, fromQueueId: a.queueId!, reason: "test" });
    });
    expect(txId).not.toBeNull();
    expect(await balanceOf({ queueId: a.queueId! }, "pool")).toBe(300);
    expect(await balanceOf({ queueId: b.queueId! }, "pool")).toBe(1000);
    const legs = await db.execute<{ amount: number }>(sql`select amount from ledger_entries where transaction_id = ${txId} order by amount`);
    expect(legs.rows.map((r) => Number(r.amount))).toEqual([-1000, 1000]);
  });

  it("refuses more than the source pool holds, a non-pool account and zero-sum nonsense, posting nothing", async () => {
    const { operator, a, b } = await twoPools();
    const customer = await makeCustomer();
    const attempt = (amountFen: number, toWallet = false) =>
      inTransaction(async (tx) => {
        const from = await lockQueue(tx, a.queueId!);
        const to = toWallet ? (await customerAccounts(tx, customer)).wallet : (await lockQueue(tx, b.queueId!)).poolAccountId;
        return transferPool(tx, { fromPoolAccountId: from.poolAccountId, toPoolAccountId: to, amountFen, actorUserId: operator, fromQueueId: a.queueId!, reason: "test" });
      });
    await expect(attempt(1301)).rejects.toMatchObject({ code: "insufficient_funds" });
    await expect(attempt(100, true)).rejects.toThrow(/two pool accounts/);
    await expect(attempt(-5)).rejects.toThrow();
    expect(await attempt(0)).toBeNull();
    expect(await balanceOf({ queueId: a.queueId! }, "pool")).toBe(1300);
    expect(await transfersOf(a.queueId!)).toEqual([]);
  });

  it("is flagged by ledger:verify (I12) when a pool_transfer is not pool to pool", async () => {
    const { operator, a } = await twoPools();
    const customer = await makeCustomer();
    // Written around transferPool's own checks, as a buggy caller of post() could.
    await inTransaction(async (tx) => {
      const from = await lockQueue(tx, a.queueId!);
      const wallet = (await customerAccounts(tx, customer)).wallet;
      await post(tx, { kind: "pool_transfer", queueId: a.queueId!, actorUserId: operator, legs: [
        { accountId: from.poolAccountId, asset: "CNY", amount: -5 },
        { accountId: wallet, asset: "CNY", amount: 5 },
      ] });
      const i12 = (await verifyBooks(tx)).find((r) => r.id === "I12");
      expect(i12?.violations).toBe(1);
      expect(i12?.examples[0]).toMatch(/is not one pool to another pool/);
      throw new Rollback();
    }).catch((e) => {
      if (!(e instanceof Rollback)) throw e;
    });
  });
});

class Rollback extends Error {}
