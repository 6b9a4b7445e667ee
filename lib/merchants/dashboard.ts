import "server-only";
import { sql } from "drizzle-orm";
import { db } from "@/db";
import { lastDays } from "@/db/day-series";
import { mapFirst, mapRows } from "@/db/rows";

export type DayFigures = { day: string; orders: number; cashFen: number; rebateFen: number; payoutsFen: number };

/**
 * A store's last `days` calendar days (Asia/Shanghai), oldest first: paid orders, their cash and
 * rebate, and what the queue paid out to this store's entries. Refunded orders do not count.
 */
export async function merchantDailyFigures(merchantId: number, days = 30): Promise<DayFigures[]> {
  const w = lastDays(days);
  const res = await db.execute(sql`
    with ${w.ctes},
    o as (
      select ${w.dayOf(sql`paid_at`)} as day, count(*)::bigint as orders,
             sum(cash_fen)::bigint as cash, sum(rebate_fen)::bigint as rebate
      from orders, bounds
      where merchant_id = ${merchantId} and status = 'paid'
        and paid_at >= ${w.since}
      group by 1
    ),
    p as (
      select ${w.dayOf(sql`p.created_at`)} as day, sum(p.amount_fen)::bigint as payouts
      from payouts p join queue_entries e on e.id = p.queue_entry_id, bounds
      where e.merchant_id = ${merchantId}
        and p.created_at >= ${w.since}
      group by 1
    )
    select to_char(d.day, 'YYYY-MM-DD') as day, coalesce(o.orders, 0) as orders, coalesce(o.cash, 0) as cash,
           coalesce(o.rebate, 0) as rebate, coalesce(p.payouts, 0) as payouts
    from days d left join o on o.day = d.day left join p on p.day = d.day
    order by d.day`);
  return mapRows(res, (r) => ({
    day: r.str("day"),
    orders: r.int("orders"),
    cashFen: r.int("cash"),
    rebateFen: r.int("rebate"),
    payoutsFen: r.int("payouts"),
  }));
}

export type SettlementFigures = {
  /** The store's settlement balance; below zero, the store owes the platform that much. */
  balanceFen: number;
  /** What the store's settlement covered of refunds whose pool share the pool no longer held, all time. */
  shortfallsFen: number;
};

/**
 * The store's settlement, and what refund shortfalls took from it (SPEC: Refunding an order). A
 * negative balance is a debt to the platform; the store's next settlements repay it simply by
 * landing on the same balance, so repayment shows as the balance climbing back to zero.
 */
export async function merchantSettlement(merchantId: number): Promise<SettlementFigures> {
  const res = await db.execute(sql`
    select a.balance,
           coalesce((select -sum(e.amount) from ledger_entries e join ledger_transactions t on t.id = e.transaction_id
                     where e.account_id = a.id and t.kind = 'refund_shortfall'), 0)::bigint as shortfalls
    from accounts a where a.merchant_id = ${merchantId} and a.kind = 'merchant_settlement'`);
  // A store without a settlement account (none yet) reads as zero.
  return mapFirst(res, (r) => ({ balanceFen: r.int("balance"), shortfallsFen: r.int("shortfalls") })) ?? { balanceFen: 0, shortfallsFen: 0 };
}
