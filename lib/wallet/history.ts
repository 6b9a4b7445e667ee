import "server-only";
import { sql } from "drizzle-orm";
import { db } from "@/db";
import { maskPayoutAccount, type MaskedPayoutAccount } from "./mask";
import { destinationOf } from "./payout-accounts";
import { WITHDRAWAL_RULES } from "./rules";
import type { WithdrawalStatus } from "./withdrawal-status";

export type { WithdrawalStatus };

export type CustomerWithdrawal = {
  id: number;
  amountFen: number;
  feeFen: number;
  status: WithdrawalStatus;
  reason: string | null;
  /** The provider's reason, for a failed transfer. */
  failureReason: string | null;
  /** The account the money goes to, masked; null for a request made before accounts could be bound. */
  account: MaskedPayoutAccount | null;
  createdAt: Date;
  decidedAt: Date | null;
};

type Row = {
  id: number;
  amount_fen: number;
  fee_fen: number;
  status: WithdrawalStatus;
  reason: string | null;
  failure_reason: string | null;
  account_kind: "wechat" | "alipay" | null;
  openid: string | null;
  alipay_account: string | null;
  real_name: string | null;
  created_at: Date;
  decided_at: Date | null;
};

/** The columns every listing reads, from withdrawals `w` left-joined to payout_accounts `a`. */
const COLUMNS = sql.raw(`w.id, w.amount_fen, w.fee_fen, w.status, w.reason, w.failure_reason, w.created_at, w.decided_at,
  a.kind as account_kind, a.openid, a.alipay_account, a.real_name`);

function toCustomerWithdrawal(r: Row): CustomerWithdrawal {
  return {
    id: Number(r.id),
    amountFen: Number(r.amount_fen),
    feeFen: Number(r.fee_fen),
    status: r.status,
    reason: r.reason,
    failureReason: r.failure_reason,
    account: r.account_kind ? maskPayoutAccount(destinationOf({ kind: r.account_kind, openid: r.openid, alipay_account: r.alipay_account, real_name: r.real_name })) : null,
    createdAt: new Date(r.created_at),
    decidedAt: r.decided_at ? new Date(r.decided_at) : null,
  };
}

/** One customer's withdrawal requests, newest first. */
export async function customerWithdrawals(userId: number, limit = 50): Promise<CustomerWithdrawal[]> {
  const res = await db.execute<Row>(sql`
    select ${COLUMNS}
    from withdrawals w left join payout_accounts a on a.id = w.payout_account_id
    where w.user_id = ${userId}
    order by w.created_at desc, w.id desc
    limit ${Math.min(Math.max(limit, 1), 200)}`);
  return res.rows.map(toCustomerWithdrawal);
}

/** How many requests the customer made today (Asia/Shanghai), against the daily limit. */
export async function withdrawalsToday(userId: number): Promise<number> {
  const res = await db.execute<{ n: number }>(sql`
    select count(*)::int as n from withdrawals
    where user_id = ${userId}
      and created_at >= (date_trunc('day', now() at time zone ${WITHDRAWAL_RULES.timeZone}) at time zone ${WITHDRAWAL_RULES.timeZone})`);
  return Number(res.rows[0]?.n ?? 0);
}

export type OperatorWithdrawal = CustomerWithdrawal & {
  userId: number;
  customerName: string;
  username: string;
  decidedByName: string | null;
};

type OperatorRow = Row & { user_id: number; display_name: string; username: string; decided_by_name: string | null };

function toOperatorWithdrawal(r: OperatorRow): OperatorWithdrawal {
  return {
    ...toCustomerWithdrawal(r),
    userId: Number(r.user_id),
    customerName: r.display_name,
    username: r.username,
    decidedByName: r.decided_by_name,
  };
}

/** Requests waiting for an operator, oldest first (first come, first decided). */
export async function pendingWithdrawals(limit = 200): Promise<OperatorWithdrawal[]> {
  const res = await db.execute<OperatorRow>(sql`
    select ${COLUMNS}, w.user_id, u.display_name, u.username, null as decided_by_name
    from withdrawals w join users u on u.id = w.user_id
    left join payout_accounts a on a.id = w.payout_account_id
    where w.status = 'requested'
    order by w.created_at, w.id
    limit ${Math.min(Math.max(limit, 1), 500)}`);
  return res.rows.map(toOperatorWithdrawal);
}

/** The count and total of requests waiting for an operator. */
export async function pendingWithdrawalTotals(): Promise<{ count: number; amountFen: number }> {
  const res = await db.execute<{ n: number; total: number }>(sql`
    select count(*)::int as n, coalesce(sum(amount_fen), 0)::bigint as total from withdrawals where status = 'requested'`);
  return { count: Number(res.rows[0]?.n ?? 0), amountFen: Number(res.rows[0]?.total ?? 0) };
}

/** Decided requests, newest decision first, with the operator who decided. */
export async function decidedWithdrawals(limit = 50): Promise<OperatorWithdrawal[]> {
  const res = await db.execute<OperatorRow>(sql`
    select ${COLUMNS}, w.user_id, u.display_name, u.username, d.display_name as decided_by_name
    from withdrawals w
    join users u on u.id = w.user_id
    left join payout_accounts a on a.id = w.payout_account_id
    left join users d on d.id = w.decided_by_user_id
    where w.status <> 'requested'
    order by w.decided_at desc, w.id desc
    limit ${Math.min(Math.max(limit, 1), 500)}`);
  return res.rows.map(toOperatorWithdrawal);
}

/** A withdrawal's account in one masked line (`Alipay 张* · 138****5678` style, kind then account), or null. */
export async function withdrawalAccount(withdrawalId: number): Promise<string | null> {
  const res = await db.execute<Row>(sql`
    select ${COLUMNS} from withdrawals w left join payout_accounts a on a.id = w.payout_account_id where w.id = ${withdrawalId}`);
  const w = res.rows[0] ? toCustomerWithdrawal(res.rows[0]) : null;
  return w?.account ? w.account.masked : null;
}
