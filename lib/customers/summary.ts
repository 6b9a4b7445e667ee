import "server-only";
import { eq, sql } from "drizzle-orm";
import { db } from "@/db";
import { mapRows } from "@/db/rows";
import { accounts } from "@/db/schema";

export type Balances = { walletFen: number; pendingWithdrawalFen: number; pointsLocked: number; pointsAvailable: number };

/** A customer's kept balances. */
export async function customerBalances(userId: number): Promise<Balances> {
  const held = await db.select({ kind: accounts.kind, balance: accounts.balance }).from(accounts).where(eq(accounts.userId, userId));
  const by = new Map<string, number>(held.map((r) => [r.kind, r.balance]));
  return {
    walletFen: by.get("wallet") ?? 0,
    // Requested, or approved and on its way to the customer's account.
    pendingWithdrawalFen: (by.get("withdrawals_pending") ?? 0) + (by.get("withdrawals_sending") ?? 0),
    pointsLocked: by.get("points_locked") ?? 0,
    pointsAvailable: by.get("points_available") ?? 0,
  };
}

const HISTORY_ACCOUNTS = ["wallet", "withdrawals_pending", "withdrawals_sending", "points_locked", "points_available"] as const;

export type HistoryLine = {
  transactionId: number;
  kind: string;
  reason: string | null;
  orderNo: string | null;
  account: (typeof HISTORY_ACCOUNTS)[number];
  amount: number;
  createdAt: Date;
};

/** Every change to a customer's wallet and points, newest first, each with the event that caused it. */
export async function customerHistory(userId: number, limit = 100): Promise<HistoryLine[]> {
  const res = await db.execute(sql`
    select e.transaction_id, t.kind, t.reason, o.order_no, a.kind as account, e.amount, e.created_at
    from accounts a
    join ledger_entries e on e.account_id = a.id
    join ledger_transactions t on t.id = e.transaction_id
    left join orders o on o.id = t.order_id
    where a.user_id = ${userId} and a.kind in ('wallet','withdrawals_pending','withdrawals_sending','points_locked','points_available')
    order by e.id desc
    limit ${Math.min(limit, 500)}`);
  return mapRows(res, (r) => ({
    transactionId: r.int("transaction_id"),
    kind: r.str("kind"),
    reason: r.strOrNull("reason"),
    orderNo: r.strOrNull("order_no"),
    account: r.oneOf("account", HISTORY_ACCOUNTS),
    amount: r.int("amount"),
    createdAt: r.date("created_at"),
  }));
}
