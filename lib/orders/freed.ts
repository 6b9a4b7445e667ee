import "server-only";
import { sql } from "drizzle-orm";
import { db } from "@/db";
import { mapRows } from "@/db/rows";
import { payoutMode } from "@/db/schema";

/** An entry of the customer's own that a payment's drain freed. */
export type FreedEntry = { id: number; orderNo: string; targetFen: number };

/** What an order's payment freed, as its result page shows it. */
export type FreedByPayment = {
  /** The viewer's own entries (this order's or earlier orders'), in queue order. */
  mine: FreedEntry[];
  /** Other customers' entries freed too: a count and a sum, nothing about who. */
  othersCount: number;
  othersFen: number;
  /**
   * True once nothing more can be added: the queue pays out by hand (its payouts are an
   * operator's, not this payment's), or the pool no longer covers the head (the drain has run).
   * Until then the result page keeps asking.
   */
  settled: boolean;
};

const LIMIT = 500;

/**
 * The entries a payment freed: the FIFO payouts of its queue after the payment was posted and
 * before the next payment into that queue. Every payment, payout and position in one queue is
 * written under the queue lock, so ledger transaction ids follow that lock's order; in an automatic
 * queue the drain runs right after each payment, so the payouts between two payments are the first
 * one's. A drain that runs late, after a second payment, is the second payment's (both together
 * made it possible; the later one completed it). Lucky draws are nobody's payment.
 */
export async function freedByPayment(customerId: number, orderId: number): Promise<FreedByPayment> {
  const res = await db.execute(sql`
    with x as (
      select t.id, t.queue_id from ledger_transactions t where t.order_id = ${orderId} and t.kind = 'order_paid'
    ),
    f as (
      select p.id, p.transaction_id, p.queue_entry_id, p.customer_id, p.amount_fen
      from payouts p join x on p.queue_id = x.queue_id
      where p.kind = 'fifo' and p.transaction_id > x.id
      order by p.id
      limit ${LIMIT}
    ),
    -- Only the range up to the last payout found can hold the next payment that matters.
    nx as (
      select min(t.id) as id from ledger_transactions t join x on t.queue_id = x.queue_id
      where t.kind = 'order_paid' and t.id > x.id and t.id < (select coalesce(max(transaction_id), 0) from f)
    ),
    state as (
      select q.payout_mode, p.balance as pool,
             (select h.target_fen from queue_entries h where h.queue_id = q.id and h.status = 'waiting' order by h.position limit 1) as head
      from x join queues q on q.id = x.queue_id join accounts p on p.queue_id = q.id and p.kind = 'pool'
    )
    select e.id as entry_id, o.order_no, f.amount_fen as target_fen, f.customer_id = ${customerId} as mine,
           s.payout_mode, s.pool, s.head
    from state s
    left join (f join queue_entries e on e.id = f.queue_entry_id join orders o on o.id = e.order_id)
      on s.payout_mode = 'auto' and f.transaction_id < coalesce((select id from nx), ${Number.MAX_SAFE_INTEGER}::bigint)
    order by e.position`);
  const rows = mapRows(res, (r) => ({
    // Null when nothing was freed: the state's one row, joined to no payout.
    entry: r.intOrNull("entry_id") === null ? null : { id: r.int("entry_id"), orderNo: r.str("order_no"), targetFen: r.int("target_fen"), mine: r.bool("mine") },
    payoutMode: r.oneOf("payout_mode", payoutMode.enumValues),
    pool: r.int("pool"),
    head: r.intOrNull("head"),
  }));
  const first = rows[0];
  // Not paid (yet): nothing freed, and nothing settled.
  if (!first) return { mine: [], othersCount: 0, othersFen: 0, settled: false };
  const freed = rows.flatMap((r) => (r.entry ? [r.entry] : []));
  const others = freed.filter((e) => !e.mine);
  return {
    mine: freed.filter((e) => e.mine).map(({ id, orderNo, targetFen }) => ({ id, orderNo, targetFen })),
    othersCount: others.length,
    othersFen: others.reduce((a, e) => a + e.targetFen, 0),
    settled: first.payoutMode === "manual" || first.head === null || first.pool < first.head,
  };
}
