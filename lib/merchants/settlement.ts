import "server-only";
import { sql } from "drizzle-orm";
import { db } from "@/db";
import { mapRows } from "@/db/rows";
import { TIME_ZONE } from "@/i18n/config";

/**
 * One day of a store's settlement, read from the ledger (the postings on the store's
 * merchant_settlement account, with the orders they name):
 * - `salesFen`: orders paid that day, cash and points redeemed (the amount the customer paid);
 * - `rebateFen`: their rebate (platform fee + points + pool), `platformFeeFen` of it the platform's fee;
 * - `refundsFen`: orders refunded that day, at their full amount; `rebateReturnedFen` of it was rebate,
 *   which the refund takes back from the platform, the points reserve and the pool;
 * - `shortfallFen`: what the store's settlement paid into the pool for refunds whose pool share the
 *   pool no longer held;
 * - `owedFen`: what the store gave the platform that day: rebate − rebate returned + shortfall;
 * - `paidFen`: what the store is paid: the day's net change of its settlement,
 *   which is sales − refunds − owed;
 * - `balanceFen`: its settlement balance at the end of the day (below zero: it owes the platform).
 */
export type SettlementDay = {
  day: string;
  orders: number;
  salesFen: number;
  rebateFen: number;
  platformFeeFen: number;
  refunds: number;
  refundsFen: number;
  rebateReturnedFen: number;
  shortfallFen: number;
  owedFen: number;
  paidFen: number;
  balanceFen: number;
};

/** At most this many days in one report (a year and a day: any calendar year fits). */
export const SETTLEMENT_MAX_DAYS = 366;

/**
 * The store's settlement per Asia/Shanghai day from `from` to `to` (inclusive, 'YYYY-MM-DD'), newest
 * first, only days on which something was posted. Every figure comes from ledger postings. It reads
 * the postings from `from` on (and the account's kept balance for where the range starts), so its
 * cost follows the range, not the store's age.
 */
export async function settlementReport(merchantId: number, range: { from: string; to: string }): Promise<SettlementDay[]> {
  const res = await db.execute(sql`
    with acct as (
      select id, balance from accounts where merchant_id = ${merchantId} and kind = 'merchant_settlement'
    ),
    -- one row per transaction since the range began (ledger_entries_account_created_idx: the
    -- account's postings of the range, not its history); a payment with redeemed points posts two
    -- legs to the settlement. A posting's legs carry its transaction's time.
    tx as (
      select e.transaction_id as id, t.kind, t.order_id, (e.created_at at time zone ${TIME_ZONE})::date as day, sum(e.amount)::bigint as settle
      from ledger_entries e join ledger_transactions t on t.id = e.transaction_id
      where e.account_id = (select id from acct)
        and e.created_at >= (${range.from}::date::timestamp at time zone ${TIME_ZONE})
      group by e.transaction_id, t.kind, t.order_id, day
    ),
    -- the balance when the range began: the kept balance less everything posted since
    opening as (
      select (select balance from acct) - coalesce((select sum(settle) from tx), 0) as fen
    ),
    days as (
      select tx.day,
             count(*) filter (where tx.kind = 'order_paid') as orders,
             coalesce(sum(o.amount_fen) filter (where tx.kind = 'order_paid'), 0) as sales,
             coalesce(sum(o.rebate_fen) filter (where tx.kind = 'order_paid'), 0) as rebate,
             coalesce(sum(o.platform_fee_fen) filter (where tx.kind = 'order_paid'), 0) as fee,
             count(*) filter (where tx.kind = 'order_refund') as refunds,
             coalesce(sum(o.amount_fen) filter (where tx.kind = 'order_refund'), 0) as refunds_fen,
             coalesce(sum(o.rebate_fen) filter (where tx.kind = 'order_refund'), 0) as rebate_back,
             coalesce(-sum(tx.settle) filter (where tx.kind = 'refund_shortfall'), 0) as shortfall,
             sum(tx.settle) as paid
      from tx left join orders o on o.id = tx.order_id
      group by tx.day
    ),
    running as (
      select days.*, (select fen from opening) + sum(paid) over (order by day rows unbounded preceding) as balance from days
    )
    select to_char(day, 'YYYY-MM-DD') as day, orders::int, sales::bigint, rebate::bigint, fee::bigint, refunds::int,
           refunds_fen::bigint, rebate_back::bigint, shortfall::bigint, paid::bigint, balance::bigint
    from running
    where day <= ${range.to}::date
    order by day desc`);
  return mapRows(res, (r) => {
    const rebateFen = r.int("rebate");
    const rebateReturnedFen = r.int("rebate_back");
    const shortfallFen = r.int("shortfall");
    return {
      day: r.str("day"),
      orders: r.int("orders"),
      salesFen: r.int("sales"),
      rebateFen,
      platformFeeFen: r.int("fee"),
      refunds: r.int("refunds"),
      refundsFen: r.int("refunds_fen"),
      rebateReturnedFen,
      shortfallFen,
      owedFen: rebateFen - rebateReturnedFen + shortfallFen,
      paidFen: r.int("paid"),
      balanceFen: r.int("balance"),
    };
  });
}

/** Sums of a report's days (the balance is the newest day's). */
export function settlementTotals(days: readonly SettlementDay[]): Omit<SettlementDay, "day"> {
  const sum = (f: (d: SettlementDay) => number) => days.reduce((s, d) => s + f(d), 0);
  return {
    orders: sum((d) => d.orders),
    salesFen: sum((d) => d.salesFen),
    rebateFen: sum((d) => d.rebateFen),
    platformFeeFen: sum((d) => d.platformFeeFen),
    refunds: sum((d) => d.refunds),
    refundsFen: sum((d) => d.refundsFen),
    rebateReturnedFen: sum((d) => d.rebateReturnedFen),
    shortfallFen: sum((d) => d.shortfallFen),
    owedFen: sum((d) => d.owedFen),
    paidFen: sum((d) => d.paidFen),
    balanceFen: days[0]?.balanceFen ?? 0,
  };
}
