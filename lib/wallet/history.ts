import "server-only";
import { sql } from "drizzle-orm";
import { db } from "@/db";
import { WITHDRAWAL_RULES } from "./rules";

export type WithdrawalStatus = "requested" | "paid" | "rejected";

export type CustomerWithdrawal = {
  id: number;
  amountFen: number;
  feeFen: number;
  status: WithdrawalStatus;
  reason: string | null;
  createdAt: Date;
  decidedAt: Date | null;
};

type Row = {
  id: number;
  amount_fen: number;
  fee_fen: number;
  status: WithdrawalStatus;
  reason: string | null;
  created_at: Date;
  decided_at: Date | null;
};

function toCustomerWithdrawal(r: Row): CustomerWithdrawal {
  return {
    id: Number(r.id),
    amountFen: Number(r.amount_fen),
    feeFen: Number(r.fee_fen),
    status: r.status,
    reason: r.reason,
    createdAt: new Date(r.created_at),
    decidedAt: r.decided_at ? new Date(r.decided_at) : null,
  };
}

/** One customer's withdrawal requests, newest first. */
export async function customerWithdrawals(userId: number, limit = 50): Promise<CustomerWithdrawal[]> {
  const res = await db.execute<Row>(sql`
    select id, amount_fen, fee_fen, status, reason, created_at, decided_at
    from withdrawals where user_id = ${userId}
    order by created_at desc, id desc
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
    select w.id, w.user_id, w.amount_fen, w.fee_fen, w.status, w.reason, w.created_at, w.decided_at,
           u.display_name, u.username, null as decided_by_name
    from withdrawals w join users u on u.id = w.user_id
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
    select w.id, w.user_id, w.amount_fen, w.fee_fen, w.status, w.reason, w.created_at, w.decided_at,
           u.display_name, u.username, d.display_name as decided_by_name
    from withdrawals w
    join users u on u.id = w.user_id
    left join users d on d.id = w.decided_by_user_id
    where w.status <> 'requested'
    order by w.decided_at desc, w.id desc
    limit ${Math.min(Math.max(limit, 1), 500)}`);
  return res.rows.map(toOperatorWithdrawal);
}
