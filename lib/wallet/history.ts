import "server-only";
import { and, count, eq, gte, sql } from "drizzle-orm";
import { db } from "@/db";
import { Cells, mapFirst, mapRows } from "@/db/rows";
import { payoutAccountKind, withdrawals } from "@/db/schema";
import { maskPayoutAccount, type MaskedPayoutAccount } from "./mask";
import { destinationOf } from "./payout-accounts";
import { WITHDRAWAL_RULES } from "./rules";
import { WITHDRAWAL_STATUSES, type WithdrawalStatus } from "./withdrawal-status";

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

/** The columns every listing reads, from withdrawals `w` left-joined to payout_accounts `a`. */
const COLUMNS = sql.raw(`w.id, w.amount_fen, w.fee_fen, w.status, w.reason, w.failure_reason, w.created_at, w.decided_at,
  a.kind as account_kind, a.openid, a.alipay_account, a.real_name`);

/** A row of COLUMNS. */
function toCustomerWithdrawal(r: Cells): CustomerWithdrawal {
  // No account row joined: a request made before accounts could be bound.
  const account =
    r.strOrNull("account_kind") === null
      ? null
      : destinationOf({
          kind: r.oneOf("account_kind", payoutAccountKind.enumValues),
          openid: r.strOrNull("openid"),
          alipay_account: r.strOrNull("alipay_account"),
          real_name: r.strOrNull("real_name"),
        });
  return {
    id: r.int("id"),
    amountFen: r.int("amount_fen"),
    feeFen: r.int("fee_fen"),
    status: r.oneOf("status", WITHDRAWAL_STATUSES),
    reason: r.strOrNull("reason"),
    failureReason: r.strOrNull("failure_reason"),
    account: account ? maskPayoutAccount(account) : null,
    createdAt: r.date("created_at"),
    decidedAt: r.dateOrNull("decided_at"),
  };
}

/** One customer's withdrawal requests, newest first. */
export async function customerWithdrawals(userId: number, limit = 50): Promise<CustomerWithdrawal[]> {
  const res = await db.execute(sql`
    select ${COLUMNS}
    from withdrawals w left join payout_accounts a on a.id = w.payout_account_id
    where w.user_id = ${userId}
    order by w.created_at desc, w.id desc
    limit ${Math.min(Math.max(limit, 1), 200)}`);
  return mapRows(res, toCustomerWithdrawal);
}

/** How many requests the customer made today (Asia/Shanghai), against the daily limit. */
export async function withdrawalsToday(userId: number): Promise<number> {
  const tz = WITHDRAWAL_RULES.timeZone;
  const [row] = await db
    .select({ n: count() })
    .from(withdrawals)
    .where(and(eq(withdrawals.userId, userId), gte(withdrawals.createdAt, sql`(date_trunc('day', now() at time zone ${tz}) at time zone ${tz})`)));
  return row?.n ?? 0;
}

export type OperatorWithdrawal = CustomerWithdrawal & {
  userId: number;
  customerName: string;
  username: string;
  decidedByName: string | null;
};

function toOperatorWithdrawal(r: Cells): OperatorWithdrawal {
  return {
    ...toCustomerWithdrawal(r),
    userId: r.int("user_id"),
    customerName: r.str("display_name"),
    username: r.str("username"),
    decidedByName: r.strOrNull("decided_by_name"),
  };
}

/** Requests waiting for an operator, oldest first (first come, first decided). */
export async function pendingWithdrawals(limit = 200): Promise<OperatorWithdrawal[]> {
  const res = await db.execute(sql`
    select ${COLUMNS}, w.user_id, u.display_name, u.username, null as decided_by_name
    from withdrawals w join users u on u.id = w.user_id
    left join payout_accounts a on a.id = w.payout_account_id
    where w.status = 'requested'
    order by w.created_at, w.id
    limit ${Math.min(Math.max(limit, 1), 500)}`);
  return mapRows(res, toOperatorWithdrawal);
}

/** The count and total of requests waiting for an operator. */
export async function pendingWithdrawalTotals(): Promise<{ count: number; amountFen: number }> {
  const [row] = await db
    .select({ n: count(), total: sql`coalesce(sum(${withdrawals.amountFen}), 0)::bigint`.mapWith(withdrawals.amountFen) })
    .from(withdrawals)
    .where(eq(withdrawals.status, "requested"));
  return { count: row?.n ?? 0, amountFen: row?.total ?? 0 };
}

/** Decided requests, newest decision first, with the operator who decided. */
export async function decidedWithdrawals(limit = 50): Promise<OperatorWithdrawal[]> {
  const res = await db.execute(sql`
    select ${COLUMNS}, w.user_id, u.display_name, u.username, d.display_name as decided_by_name
    from withdrawals w
    join users u on u.id = w.user_id
    left join payout_accounts a on a.id = w.payout_account_id
    left join users d on d.id = w.decided_by_user_id
    where w.status <> 'requested'
    order by w.decided_at desc, w.id desc
    limit ${Math.min(Math.max(limit, 1), 500)}`);
  return mapRows(res, toOperatorWithdrawal);
}

/** A withdrawal's account in one masked line (`Alipay 张* · 138****5678` style, kind then account), or null. */
export async function withdrawalAccount(withdrawalId: number): Promise<string | null> {
  const res = await db.execute(sql`
    select ${COLUMNS} from withdrawals w left join payout_accounts a on a.id = w.payout_account_id where w.id = ${withdrawalId}`);
  const w = mapFirst(res, toCustomerWithdrawal);
  return w?.account ? w.account.masked : null;
}
