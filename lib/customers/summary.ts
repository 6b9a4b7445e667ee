import "server-only";
import { sql } from "drizzle-orm";
import { db } from "@/db";

export type Balances = { walletFen: number; pendingWithdrawalFen: number; pointsLocked: number; pointsAvailable: number };

/** A customer's kept balances. */
export async function customerBalances(userId: number): Promise<Balances> {
  const res = await db.execute<{ kind: string; balance: number }>(
    sql`select kind, balance from accounts where user_id = ${userId}`,
  );
  const by = new Map(res.rows.map((r) => [r.kind, Number(r.balance)]));
  return {
    walletFen: by.get("wallet") ?? 0,
    // Requested, or approved and on its way to the customer's account.
    pendingWithdrawalFen: (by.get("withdrawals_pending") ?? 0) + (by.get("withdrawals_sending") ?? 0),
    pointsLocked: by.get("points_locked") ?? 0,
    pointsAvailable: by.get("points_available") ?? 0,
  };
}

export type HistoryLine = {
  transactionId: number;
  kind: string;
  reason: string | null;
  orderNo: string | null;
  account: "wallet" | "withdrawals_pending" | "withdrawals_sending" | "points_locked" | "points_available";
  amount: number;
  createdAt: Date;
};

/** Every change to a customer's wallet and points, newest first, each with the event that caused it. */
export async function customerHistory(userId: number, limit = 100): Promise<HistoryLine[]> {
  const res = await db.execute<{
    transaction_id: number;
    kind: string;
    reason: string | null;
    order_no: string | null;
    account: HistoryLine["account"];
    amount: number;
    created_at: Date;
  }>(sql`
    select e.transaction_id, t.kind, t.reason, o.order_no, a.kind as account, e.amount, e.created_at
    from accounts a
    join ledger_entries e on e.account_id = a.id
    join ledger_transactions t on t.id = e.transaction_id
    left join orders o on o.id = t.order_id
    where a.user_id = ${userId} and a.kind in ('wallet','withdrawals_pending','withdrawals_sending','points_locked','points_available')
    order by e.id desc
    limit ${Math.min(limit, 500)}`);
  return res.rows.map((r) => ({
    transactionId: Number(r.transaction_id),
    kind: r.kind,
    reason: r.reason,
    orderNo: r.order_no,
    account: r.account,
    amount: Number(r.amount),
    createdAt: new Date(r.created_at),
  }));
}
