import "server-only";
import { sql } from "drizzle-orm";
import { db } from "@/db";
import { mapRows } from "@/db/rows";

/** What a payout run of one queue would pay now: the waiting entries, in line, that its pool covers. */
export type Payable = { queueId: number; entries: number; amountFen: number };

/**
 * For each queue, the entries a drain would pay if it ran now (lib/queue/drain.ts): the longest run
 * of waiting entries from the head whose running sum of targets fits in the pool. Unlocked: the
 * figure shown before the operator confirms; the drain itself decides under the queue's lock.
 */
export async function payableNow(queueIds: readonly number[]): Promise<Map<number, Payable>> {
  const out = new Map<number, Payable>();
  if (queueIds.length === 0) return out;
  const res = await db.execute(sql`
    select r.queue_id, count(*)::int as n, coalesce(sum(r.target_fen), 0)::bigint as amount
    from (
      select e.queue_id, e.target_fen, a.balance as pool,
             -- targets are positive, so the running sum only grows: the entries within the pool are a prefix
             sum(e.target_fen) over (partition by e.queue_id order by e.position rows unbounded preceding) as running
      from queue_entries e
      join accounts a on a.queue_id = e.queue_id and a.kind = 'pool'
      where e.status = 'waiting' and e.queue_id in (${sql.join(queueIds.map((id) => sql`${id}`), sql`, `)})
    ) r
    where r.running <= r.pool
    group by r.queue_id`);
  for (const id of queueIds) out.set(id, { queueId: id, entries: 0, amountFen: 0 });
  for (const r of mapRows(res, (c) => ({ queueId: c.int("queue_id"), entries: c.int("n"), amountFen: c.int("amount") }))) out.set(r.queueId, r);
  return out;
}
