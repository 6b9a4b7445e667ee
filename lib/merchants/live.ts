import "server-only";
import { sql } from "drizzle-orm";
import { db } from "@/db";
import { mapFirst } from "@/db/rows";
import { queueGauge } from "./store";

/** What the merchant console polls: enough to tell that the queue, the orders or the figures changed. */
export type StoreLive = {
  /** The newest paid order (by payment time), as `paidAt|orderNo`; null when there is none in the last day. */
  lastPaid: string | null;
  /** Orders paid and refunded among those created in the last day: a refund changes the second. */
  paid: number;
  refunded: number;
  /** The newest payout from the store's queue: a drain or a draw moved the queue. */
  lastPayoutId: number;
  poolFen: number;
  waitingCount: number;
  /** The owner's setting: a newly paid order rings on the store's consoles. */
  ring: boolean;
};

/**
 * The store's live figures. Bounded reads only (the last day's orders through the merchant's
 * created_at index, the newest payout through the queue's payout index, the queue's counters, the
 * store's row), so a
 * console open all day polling every few seconds costs little.
 */
export async function storeLive(merchantId: number, queueId: number): Promise<StoreLive> {
  const [orders, gauge] = await Promise.all([
    db.execute(sql`
      select count(*) filter (where status = 'paid')::int as paid,
             count(*) filter (where status = 'refunded')::int as refunded,
             (select to_char(o2.paid_at, 'YYYY-MM-DD"T"HH24:MI:SS.US') || '|' || o2.order_no
                from orders o2
               where o2.merchant_id = ${merchantId} and o2.created_at > now() - interval '1 day' and o2.paid_at is not null
               order by o2.paid_at desc, o2.id desc limit 1) as last_paid,
             (select max(p.id) from payouts p where p.queue_id = ${queueId}) as last_payout,
             (select m.ring_new_orders from merchants m where m.id = ${merchantId}) as ring
        from orders
       where merchant_id = ${merchantId} and created_at > now() - interval '1 day'`),
    queueGauge(queueId),
  ]);
  // An aggregate without group by: always one row.
  const r = mapFirst(orders, (c) => ({
    lastPaid: c.strOrNull("last_paid"),
    paid: c.int("paid"),
    refunded: c.int("refunded"),
    lastPayoutId: c.intOrNull("last_payout") ?? 0,
    ring: c.boolOrNull("ring") === true,
  }))!;
  return { ...r, poolFen: gauge.poolFen, waitingCount: gauge.waitingCount };
}
