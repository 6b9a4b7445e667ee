import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db, type Tx } from "@/db";
import { pgCode, pgConstraint } from "@/db/errors";
import { inTransaction } from "@/db/transaction";
import { platformAccounts } from "./accounts";

// The deferred constraint trigger ledger_entries_balance_per_asset (migration "ledger_balance_trigger"):
// whatever writes ledger rows, by post() or by hand, a transaction whose entries do not sum to zero
// for each asset is refused at commit. These tests write the rows directly, past post()'s own check.

async function newLedgerTx(tx: Tx): Promise<number> {
  const res = await tx.execute<{ id: number }>(
    sql`insert into ledger_transactions (kind, reason) values ('points_adjustment', 'balance trigger test') returning id`,
  );
  return res.rows[0]!.id;
}

async function entry(tx: Tx, txId: number, accountId: number, asset: "CNY" | "PTS", amount: number): Promise<void> {
  await tx.execute(
    sql`insert into ledger_entries (transaction_id, account_id, asset, amount) values (${txId}, ${accountId}, ${asset}, ${amount})`,
  );
}

/** How a transaction was refused: Postgres' code, constraint and message, through drizzle's wrapping. */
async function refusal(run: Promise<unknown>): Promise<{ code?: string; constraint?: string; message: string }> {
  const e = await run.then(
    () => new Error("the transaction was accepted"),
    (err: unknown) => err,
  );
  let inner: unknown = e;
  while (inner instanceof Error && inner.cause) inner = inner.cause;
  return { code: pgCode(e), constraint: pgConstraint(e), message: (inner as Error).message };
}

async function countTransactions(): Promise<number> {
  return (await db.execute<{ n: number }>(sql`select count(*)::bigint as n from ledger_transactions`)).rows[0]!.n;
}

describe("the database refuses an unbalanced ledger transaction (deferred constraint trigger)", () => {
  it("refuses at commit a transaction whose entries do not sum to zero, and keeps nothing of it", async () => {
    const before = await countTransactions();
    const refused = await refusal(
      inTransaction(async (tx) => {
        const { world } = await platformAccounts(tx);
        const id = await newLedgerTx(tx);
        await entry(tx, id, world, "CNY", 100);
        await entry(tx, id, world, "CNY", -99);
      }),
    );
    expect(refused).toMatchObject({ code: "23514", constraint: "ledger_entries_balance_per_asset" });
    expect(refused.message).toMatch(/does not balance: CNY off by 1$/);
    expect(await countTransactions()).toBe(before);
  });

  it("refuses one that sums to zero overall but not per asset", async () => {
    const refused = await refusal(
      inTransaction(async (tx) => {
        const { world, pointsIssued } = await platformAccounts(tx);
        const id = await newLedgerTx(tx);
        await entry(tx, id, world, "CNY", 100);
        await entry(tx, id, pointsIssued, "PTS", -100);
      }),
    );
    expect(refused.constraint).toBe("ledger_entries_balance_per_asset");
    expect(refused.message).toMatch(/does not balance: (CNY off by 100|PTS off by -100)$/);
  });

  it("accepts a balanced one, checked at commit: its legs may be written one statement at a time", async () => {
    const before = await countTransactions();
    await inTransaction(async (tx) => {
      const { world } = await platformAccounts(tx);
      const id = await newLedgerTx(tx);
      // Unbalanced between these two statements; only the state at commit counts.
      await entry(tx, id, world, "CNY", 100);
      await entry(tx, id, world, "CNY", -100);
    });
    expect(await countTransactions()).toBe(before + 1);
  });

  it("checks an entry written after its transaction was already found balanced (checked immediately)", async () => {
    const refused = await refusal(
      inTransaction(async (tx) => {
        await tx.execute(sql`set constraints ledger_entries_balance_per_asset immediate`);
        const { world } = await platformAccounts(tx);
        const id = await newLedgerTx(tx);
        // Both legs in one statement: checked, balanced.
        await tx.execute(
          sql`insert into ledger_entries (transaction_id, account_id, asset, amount) values (${id}, ${world}, 'CNY', 100), (${id}, ${world}, 'CNY', -100)`,
        );
        await entry(tx, id, world, "CNY", 7);
      }),
    );
    expect(refused.constraint).toBe("ledger_entries_balance_per_asset");
    expect(refused.message).toMatch(/CNY off by 7$/);
  });
});
