import "server-only";
import { sql } from "drizzle-orm";
import { db } from "@/db";
import { lastDays } from "@/db/day-series";
import { mapRows } from "@/db/rows";

export type PlatformDay = {
  day: string;
  /** Orders paid that day (their order_paid events). */
  orders: number;
  /** What the platform fees account gained, net of refunds. */
  feesFen: number;
  /** What orders put into pools, and what pools paid out (in queue order or by draw). */
  poolInFen: number;
  payoutsFen: number;
  /** Points minted (locked on payment), released to customers, and expired. */
  pointsIssued: number;
  pointsReleased: number;
  pointsExpired: number;
};

/**
 * The platform's last `days` calendar days (Asia/Shanghai), oldest first, from the ledger: one pass
 * over the window's transactions (ledger_transactions_created_idx) and their legs.
 */
export async function platformDailyFigures(days = 30): Promise<PlatformDay[]> {
  const w = lastDays(days);
  const res = await db.execute(sql`
    with ${w.ctes},
    t as (
      select t.id, t.kind, ${w.dayOf(sql`t.created_at`)} as day
      from ledger_transactions t, bounds
      where t.created_at >= ${w.since}
    ),
    f as (
      select t.day,
             count(distinct t.id) filter (where t.kind = 'order_paid') as orders,
             coalesce(sum(e.amount) filter (where a.kind = 'platform_fees'), 0) as fees,
             coalesce(sum(e.amount) filter (where a.kind = 'pool' and t.kind = 'order_paid'), 0) as pool_in,
             coalesce(-sum(e.amount) filter (where a.kind = 'pool' and t.kind in ('queue_payout', 'draw_payout')), 0) as payouts,
             coalesce(sum(e.amount) filter (where a.kind = 'points_locked' and t.kind = 'order_paid'), 0) as issued,
             coalesce(sum(e.amount) filter (where a.kind = 'points_available' and t.kind = 'points_release'), 0) as released,
             coalesce(-sum(e.amount) filter (where a.kind = 'points_available' and t.kind = 'points_expiry'), 0) as expired
      from t join ledger_entries e on e.transaction_id = t.id join accounts a on a.id = e.account_id
      group by t.day
    )
    select to_char(d.day, 'YYYY-MM-DD') as day, coalesce(f.orders, 0) as orders, coalesce(f.fees, 0) as fees,
           coalesce(f.pool_in, 0) as pool_in, coalesce(f.payouts, 0) as payouts, coalesce(f.issued, 0) as issued,
           coalesce(f.released, 0) as released, coalesce(f.expired, 0) as expired
    from days d left join f on f.day = d.day
    order by d.day`);
  // The sums are numeric (a sum of bigint), which int() reads from their text.
  return mapRows(res, (r) => ({
    day: r.str("day"),
    orders: r.int("orders"),
    feesFen: r.int("fees"),
    poolInFen: r.int("pool_in"),
    payoutsFen: r.int("payouts"),
    pointsIssued: r.int("issued"),
    pointsReleased: r.int("released"),
    pointsExpired: r.int("expired"),
  }));
}
