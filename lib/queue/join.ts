import { sql } from "drizzle-orm";
import type { Tx } from "@/db";

export type NewEntry = { id: number; position: number; targetFen: number };

/**
 * Adds an order's units to the queue. The caller must hold the queue lock (lockQueue): positions
 * come from the queue's counter under that lock, so position order is commit order.
 */
export async function appendEntries(
  tx: Tx,
  args: {
    queueId: number;
    orderId: number;
    customerId: number;
    merchantId: number;
    ruleVersionId: number;
    unitsFen: number[];
  },
): Promise<NewEntry[]> {
  const n = args.unitsFen.length;
  if (n === 0) return [];
  const total = args.unitsFen.reduce((a, b) => a + b, 0);
  // The queue's counters advance with the positions: each entry records the targets appended before
  // it (cum_fen), which makes its place in line a lookup (see ./ahead.ts).
  const res = await tx.execute<{ id: number; position: number; target_fen: number }>(sql`
    with c as (
      update queues set next_position = next_position + ${n}, appended_fen = appended_fen + ${total}
      where id = ${args.queueId}
      returning next_position - ${n} as first, appended_fen - ${total} as base_fen
    )
    insert into queue_entries (queue_id, order_id, customer_id, merchant_id, rule_version_id, position, target_fen, cum_fen)
    select ${args.queueId}, ${args.orderId}, ${args.customerId}, ${args.merchantId}, ${args.ruleVersionId},
           c.first + u.ord - 1, u.target,
           c.base_fen + coalesce(sum(u.target) over (order by u.ord rows between unbounded preceding and 1 preceding), 0)
    from c, unnest(${sql.param(args.unitsFen)}::bigint[]) with ordinality as u(target, ord)
    returning id, position, target_fen`);
  return res.rows
    .map((r) => ({ id: Number(r.id), position: Number(r.position), targetFen: Number(r.target_fen) }))
    .sort((a, b) => a.position - b.position);
}
