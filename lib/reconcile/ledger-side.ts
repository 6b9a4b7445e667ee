import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import { type Cells, mapRows } from "@/db/rows";
import type { BillRow } from "@/lib/payments/provider";
import type { Posting } from "./compare";

/**
 * The ledger's side of a reconciliation: the postings that moved cash over a provider's rails, each
 * with the cash it moved (its legs on the world account, which stands for everything outside the
 * platform). A payment is the order's `order_paid` posting, keyed by the order number; a refund is
 * its `refund_sent` posting (the provider confirmed it), keyed by the refund's out_refund_no.
 */

const KINDS = ["payment", "refund"] as const;

// amount_fen is a sum (numeric): int() reads its integer text.
const toPosting = (r: Cells): Posting => ({
  transactionId: r.int("transaction_id"),
  kind: r.oneOf("kind", KINDS),
  outId: r.str("out_id"),
  providerRef: r.strOrNull("provider_ref"),
  amountFen: r.int("amount_fen"),
  at: r.date("at"),
});

/**
 * The refund a `refund_sent` posting `t` settled. The posting names only its order, and an order
 * may have several refunds (its own and each returned payment's), at different providers: the one
 * settled in the posting's own transaction (settleRefund writes `settled_at` and the posting under
 * one `now()`) is it. A posting that matches none (a bug posted it) still counts, against the
 * order's first refund, so it shows as a duplicate instead of vanishing.
 */
const refundOf = (t: SQL) => sql`
  select r.out_refund_no, r.provider_ref, r.provider from payment_refunds r
  where r.order_id = ${t}.order_id
  order by (r.status = 'succeeded' and r.settled_at = ${t}.created_at) desc, r.id limit 1`;

/**
 * The returned payment a `payment_returned` posting `t` took in: the return recorded in the same
 * transaction (returnPayment), else the order's first return, as above. Its provider's bill lists
 * it as a payment of the order's number.
 */
const returnOf = (t: SQL) => sql`
  select r.returned_payment_ref, r.provider from payment_refunds r
  where r.order_id = ${t}.order_id and r.returned_payment_ref is not null
  order by (r.created_at = ${t}.created_at) desc, r.id limit 1`;

/**
 * The provider's postings made in [from, to), and those (made any time) whose out-id is named in
 * `payments` or `refunds`. A posting with no world leg (an order paid wholly with points) moved no
 * cash and is not one.
 */
export async function railPostings(
  db: Db | Tx,
  args: { provider: string; from: Date; to: Date; payments: string[]; refunds: string[] },
): Promise<Posting[]> {
  const res = await db.execute(sql`
    with txs as (
      select t.id, 'payment' as kind, o.order_no as out_id, o.provider_ref, t.created_at
      from ledger_transactions t join orders o on o.id = t.order_id
      where t.kind = 'order_paid' and o.provider = ${args.provider}
        and t.created_at >= ${args.from.toISOString()}::timestamptz and t.created_at < ${args.to.toISOString()}::timestamptz
      union
      select t.id, 'payment', o.order_no, o.provider_ref, t.created_at
      from orders o join ledger_transactions t on t.order_id = o.id and t.kind = 'order_paid'
      where o.provider = ${args.provider} and o.order_no = any(${sql.param(args.payments)}::text[])
      union
      select t.id, 'payment', o.order_no, r.returned_payment_ref, t.created_at
      from ledger_transactions t join orders o on o.id = t.order_id cross join lateral (${returnOf(sql`t`)}) r
      where t.kind = 'payment_returned' and r.provider = ${args.provider}
        and (t.created_at >= ${args.from.toISOString()}::timestamptz and t.created_at < ${args.to.toISOString()}::timestamptz
             or o.order_no = any(${sql.param(args.payments)}::text[]))
      union
      select t.id, 'refund', r.out_refund_no, r.provider_ref, t.created_at
      from ledger_transactions t cross join lateral (${refundOf(sql`t`)}) r
      where t.kind = 'refund_sent' and r.provider = ${args.provider}
        and (t.created_at >= ${args.from.toISOString()}::timestamptz and t.created_at < ${args.to.toISOString()}::timestamptz
             or r.out_refund_no = any(${sql.param(args.refunds)}::text[]))
    )
    -- Signed by the kind's direction (a payment takes cash from the world, a refund gives it back):
    -- a posting that moved it the other way shows as a negative amount, not as the bill's.
    select x.id as transaction_id, x.kind, x.out_id, x.provider_ref,
           case when x.kind = 'payment' then -sum(e.amount) else sum(e.amount) end as amount_fen, x.created_at as at
    from txs x
    join ledger_entries e on e.transaction_id = x.id
    join accounts a on a.id = e.account_id and a.kind = 'world'
    group by x.id, x.kind, x.out_id, x.provider_ref, x.created_at
    having sum(e.amount) <> 0
    order by x.created_at, x.id`);
  return mapRows(res, toPosting);
}

/**
 * The bill of a provider that keeps none (DayBill "ledger"): the payment records the postings were
 * made from. Orders of the provider paid in [from, to) with cash, the payments it took that were
 * returned (recorded in [from, to), with their posting), and its refunds confirmed in [from, to);
 * `paid_at`, the return's `created_at` and `settled_at` are written in the same transaction as the
 * posting, so a sound ledger matches them exactly, and a posting twice, or of another amount, still shows.
 */
export async function recordsBill(db: Db | Tx, args: { provider: string; from: Date; to: Date }): Promise<BillRow[]> {
  const res = await db.execute(sql`
    select 'payment' as kind, order_no as out_id, provider_ref, cash_fen as amount_fen, paid_at as at
    from orders
    where provider = ${args.provider} and cash_fen > 0 and paid_at >= ${args.from.toISOString()}::timestamptz and paid_at < ${args.to.toISOString()}::timestamptz
    union all
    select 'payment', o.order_no, r.returned_payment_ref, r.amount_fen, r.created_at
    from payment_refunds r join orders o on o.id = r.order_id
    where r.provider = ${args.provider} and r.returned_payment_ref is not null
      and r.created_at >= ${args.from.toISOString()}::timestamptz and r.created_at < ${args.to.toISOString()}::timestamptz
    union all
    select 'refund', out_refund_no, provider_ref, amount_fen, settled_at
    from payment_refunds
    where provider = ${args.provider} and status = 'succeeded' and amount_fen > 0
      and settled_at >= ${args.from.toISOString()}::timestamptz and settled_at < ${args.to.toISOString()}::timestamptz
    order by at`);
  return mapRows(res, (r) => ({
    kind: r.oneOf("kind", KINDS),
    outId: r.str("out_id"),
    providerRef: r.strOrNull("provider_ref") ?? "",
    amountFen: r.int("amount_fen"),
    at: r.date("at"),
  }));
}
