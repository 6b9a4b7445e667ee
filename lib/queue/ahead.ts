import "server-only";
import { sql } from "drizzle-orm";

// A place in line without counting the line.
//
// Positions in a queue are 1, 2, 3, … with no gaps (handed out under the queue lock), and each entry
// keeps `cum_fen`, the sum of the targets of every entry appended before it. The FIFO drain pays a
// prefix of the waiting entries, so every entry at or before the queue's `paid_through_position` is
// settled, and their targets sum to `paid_through_fen`. Between that frontier and a waiting entry,
// everything still waits except the few entries settled out of order (left, refunded, drawn), which
// the partial index queue_entries_settled_early_idx holds. So, for a waiting entry e of queue q:
//
//   waiting ahead  = (e.position − 1 − q.paid_through_position) − #early-settled in (frontier, e.position)
//   fen ahead      = (e.cum_fen − q.paid_through_fen)           − Σ early-settled targets in that range
//
// Two row lookups and a short index range: O(log n) whatever the queue's length. The whole-queue
// totals (the gauge) are the same with the queue's own counters in place of the entry's.

/** Index predicate of queue_entries_settled_early_idx; a query must repeat it to use the index. */
export const settledEarly = (s: string) => sql.raw(`${s}.status <> 'waiting' and ${s}.paid_kind is distinct from 'fifo'`);

/**
 * `left join lateral (…) a on e.status = 'waiting'` giving `a.ahead_n` (waiting entries ahead) and
 * `a.ahead_fen` (their targets) for the queue entry aliased `e`, whose queue is joined as `q`.
 */
export const aheadLateral = sql`
  left join lateral (
    select (e.position - 1 - q.paid_through_position) - count(s.id) as ahead_n,
           (e.cum_fen - q.paid_through_fen) - coalesce(sum(s.target_fen), 0) as ahead_fen
    from queue_entries s
    where s.queue_id = e.queue_id and s.position > q.paid_through_position and s.position < e.position
      and ${settledEarly("s")}
  ) a on e.status = 'waiting'`;

/** The statuses of an entry a customer or a merchant is shown: every one but a place that moved away. */
export const SHOWN_STATUSES = ["waiting", "paid", "left", "cancelled"] as const;

/**
 * SPEC's place in line, the one number the customer, the merchant's queue table and the POS API
 * show: the waiting entries ahead + 1, from `a.ahead_n` of aheadLateral; none unless waiting.
 */
export function placeInLine(status: string, aheadN: number | string | null): number | null {
  return status === "waiting" ? Number(aheadN ?? 0) + 1 : null;
}

/**
 * `join lateral (…) w on true` giving `w.waiting_n` and `w.waiting_fen`, the waiting entries of the
 * queue aliased `q` and the sum of their targets.
 */
export const waitingLateral = sql`
  join lateral (
    select (q.next_position - 1 - q.paid_through_position) - count(s.id) as waiting_n,
           (q.appended_fen - q.paid_through_fen) - coalesce(sum(s.target_fen), 0) as waiting_fen
    from queue_entries s
    where s.queue_id = q.id and s.position > q.paid_through_position and ${settledEarly("s")}
  ) w on true`;

/**
 * One row per violation: a queue whose counters differ from a recount of its entries (used by
 * ledger:verify; it reads every entry, so it is for checks, never for a page).
 */
export const countersRecount = sql`
  with r as (
    select queue_id, count(*) as n, coalesce(sum(target_fen), 0) as fen, min(position) as first, max(position) as last
    from queue_entries group by queue_id
  ),
  c as (
    select id, queue_id, cum_fen,
           coalesce(sum(target_fen) over (partition by queue_id order by position rows between unbounded preceding and 1 preceding), 0) as recount
    from queue_entries
  ),
  f as (
    select q.id,
           (select count(*) from queue_entries e where e.queue_id = q.id and e.position <= q.paid_through_position and e.status <> 'waiting') as settled_n,
           (select coalesce(sum(target_fen), 0) from queue_entries e where e.queue_id = q.id and e.position <= q.paid_through_position) as through_fen
    from queues q
  )
  select 'queue ' || q.id || ': next_position ' || q.next_position || ', appended_fen ' || q.appended_fen
         || ' but ' || coalesce(r.n, 0) || ' entries (positions ' || coalesce(r.first, 0) || '..' || coalesce(r.last, 0)
         || ') of ' || coalesce(r.fen, 0) || ' fen' as what
  from queues q left join r on r.queue_id = q.id
  where q.next_position - 1 <> coalesce(r.n, 0) or q.appended_fen <> coalesce(r.fen, 0)
     or coalesce(r.first, 1) <> 1 or coalesce(r.last, 0) <> coalesce(r.n, 0)
  union all
  select 'entry ' || c.id || ' of queue ' || c.queue_id || ': cum_fen ' || c.cum_fen || ' <> ' || c.recount
  from c where c.cum_fen <> c.recount
  union all
  select 'queue ' || q.id || ': paid through position ' || q.paid_through_position || ' (' || q.paid_through_fen
         || ' fen) but ' || f.settled_n || ' settled entries of ' || f.through_fen || ' fen up to it'
  from queues q join f on f.id = q.id
  where f.settled_n <> q.paid_through_position or f.through_fen <> q.paid_through_fen`;
