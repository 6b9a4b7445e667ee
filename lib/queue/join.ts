import { sql } from "drizzle-orm";
import type { Tx } from "@/db";
import { settledEarly } from "./ahead";

export type NewEntry = { id: number; position: number; targetFen: number };

export type Appended = {
  /** The new entries in position order. */
  entries: NewEntry[];
  /** Waiting entries ahead of the first new one; the k-th new entry has waitingBefore + k ahead. */
  waitingBefore: number;
  /** Target of the entry at the head of the queue after the append; null when none waits. */
  headTargetFen: number | null;
  payoutMode: "auto" | "manual";
};

/**
 * The store no longer feeds this queue (an alliance was formed after the order read it). The whole
 * transaction is run again, and the order then joins the store's current queue. SQLSTATE 40001, so
 * inTransaction retries it as it retries a serialization failure.
 */
export class QueueMovedError extends Error {
  readonly code = "40001";
  constructor(merchantId: number, queueId: number) {
    super(`store ${merchantId} no longer feeds queue ${queueId}`);
    this.name = "QueueMovedError";
  }
}

/**
 * Adds an order's units to the queue, in one statement. The caller must hold the queue lock
 * (lockQueue): positions come from the queue's counter under that lock, so position order is
 * commit order. The queue's counters advance with the positions, and each entry records the
 * targets appended before it (cum_fen), which makes its place in line a lookup (see ./ahead.ts).
 *
 * The same statement checks that the store still feeds this queue (read after the lock, so an
 * alliance formed meanwhile is seen), and reads the head and how many wait ahead, so nothing is
 * counted under the lock.
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
): Promise<Appended> {
  const n = args.unitsFen.length;
  if (n === 0) return nothingToAppend(tx, args.queueId, args.merchantId);
  const total = args.unitsFen.reduce((a, b) => a + b, 0);
  const res = await tx.execute<{
    id: number;
    position: number;
    target_fen: number;
    waiting_before: number;
    head: number | null;
    payout_mode: "auto" | "manual";
  }>(sql`
    with c as (
      update queues set next_position = next_position + ${n}, appended_fen = appended_fen + ${total}
      where id = ${args.queueId}
        and exists (select 1 from merchants where id = ${args.merchantId} and queue_id = ${args.queueId})
      returning next_position - ${n} as first, appended_fen - ${total} as base_fen, paid_through_position, payout_mode
    ),
    i as (
      insert into queue_entries (queue_id, order_id, customer_id, merchant_id, rule_version_id, position, target_fen, cum_fen)
      select ${args.queueId}, ${args.orderId}, ${args.customerId}, ${args.merchantId}, ${args.ruleVersionId},
             c.first + u.ord - 1, u.target,
             c.base_fen + coalesce(sum(u.target) over (order by u.ord rows between unbounded preceding and 1 preceding), 0)
      from c, unnest(${sql.param(args.unitsFen)}::bigint[]) with ordinality as u(target, ord)
      returning id, position, target_fen
    )
    select i.id, i.position, i.target_fen, c.payout_mode,
           (c.first - 1 - c.paid_through_position) - (
             select count(*) from queue_entries s
             where s.queue_id = ${args.queueId} and s.position > c.paid_through_position
               and ${settledEarly("s")}) as waiting_before,
           (select target_fen from queue_entries h where h.queue_id = ${args.queueId} and h.status = 'waiting'
            order by h.position limit 1) as head
    from i, c
    order by i.position`);
  const first = res.rows[0];
  if (!first) throw new QueueMovedError(args.merchantId, args.queueId);
  const entries = res.rows.map((r) => ({ id: Number(r.id), position: Number(r.position), targetFen: Number(r.target_fen) }));
  return {
    entries,
    waitingBefore: Number(first.waiting_before),
    // The statement reads the queue as it was before its own insert: with nobody waiting, the head is ours.
    headTargetFen: first.head === null ? entries[0]!.targetFen : Number(first.head),
    payoutMode: first.payout_mode,
  };
}

/** An order too small for a unit still feeds the pool: the same checks and head, with no entries. */
async function nothingToAppend(tx: Tx, queueId: number, merchantId: number): Promise<Appended> {
  const res = await tx.execute<{ payout_mode: "auto" | "manual"; head: number | null; feeds: boolean }>(sql`
    select q.payout_mode,
           (select target_fen from queue_entries h where h.queue_id = q.id and h.status = 'waiting' order by h.position limit 1) as head,
           exists (select 1 from merchants where id = ${merchantId} and queue_id = q.id) as feeds
    from queues q where q.id = ${queueId}`);
  const r = res.rows[0];
  if (!r?.feeds) throw new QueueMovedError(merchantId, queueId);
  return { entries: [], waitingBefore: 0, headTargetFen: r.head === null ? null : Number(r.head), payoutMode: r.payout_mode };
}
