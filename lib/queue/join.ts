import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { payoutMode } from "@/db/schema";
import type { PostingTail } from "@/lib/ledger";
import { settledEarly } from "./ahead";

export type NewEntry = { id: number; position: number; targetFen: number };

export type Appended = {
  /** The new entries in position order. */
  entries: PlacedEntry[];
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

/** An entry as appended, with its place in line at commit (waiting entries ahead + 1). */
export type PlacedEntry = NewEntry & { place: number };

export type AppendTail = PostingTail<Appended> & {
  ctes: SQL;
  /**
   * The CTE, `(id, position, target_fen, place)`, of the new entries, for a CTE the caller adds to
   * the same statement (the POS stores its answer from it: lib/api/orders.ts).
   */
  placed: SQL;
};

/**
 * Adds an order's units to the queue: CTEs run in the statement that posts the payment (postWith),
 * so the posting and the append are one round trip. The caller must hold the queue lock
 * (lockQueue), taken in an earlier statement: positions come from the queue's counter under that
 * lock, so position order is commit order, and this statement's snapshot sees every append and
 * alliance committed before the lock was won. The queue's counters advance with the positions, and
 * each entry records the targets appended before it (cum_fen), which makes its place in line a
 * lookup (see ./ahead.ts).
 *
 * The same CTEs check that the store still feeds this queue (no row, and QueueMovedError, when it
 * does not), and read the head and how many wait ahead, so nothing is counted under the lock. They
 * read only queue tables, which the posting does not write. An order too small for a unit appends
 * nothing, and still gets the check and the head: it feeds the pool.
 */
export function appendEntries(args: {
  queueId: number;
  orderId: number;
  customerId: number;
  merchantId: number;
  ruleVersionId: number;
  unitsFen: number[];
}): AppendTail {
  const n = args.unitsFen.length;
  const total = args.unitsFen.reduce((a, b) => a + b, 0);
  const feeds = sql`exists (select 1 from merchants where id = ${args.merchantId} and queue_id = ${args.queueId})`;
  // With no unit the counters stay as they are: read them rather than write the row for nothing.
  const counters =
    n > 0
      ? sql`update queues set next_position = next_position + ${n}, appended_fen = appended_fen + ${total}
            where id = ${args.queueId} and ${feeds}
            returning next_position - ${n} as first, appended_fen - ${total} as base_fen, paid_through_position, payout_mode`
      : sql`select next_position as first, appended_fen as base_fen, paid_through_position, payout_mode
            from queues where id = ${args.queueId} and ${feeds}`;
  return {
    ctes: sql`
      queue_counters as (${counters}),
      queue_inserted as (
        insert into queue_entries (queue_id, order_id, customer_id, merchant_id, rule_version_id, position, target_fen, cum_fen)
        select ${args.queueId}, ${args.orderId}, ${args.customerId}, ${args.merchantId}, ${args.ruleVersionId},
               c.first + u.ord - 1, u.target,
               c.base_fen + coalesce(sum(u.target) over (order by u.ord rows between unbounded preceding and 1 preceding), 0)
        from queue_counters c, unnest(${sql.param(args.unitsFen)}::bigint[]) with ordinality as u(target, ord)
        returning id, position, target_fen
      ),
      queue_appended as (
        select c.first, c.payout_mode,
               (c.first - 1 - c.paid_through_position) - (
                 select count(*) from queue_entries s
                 where s.queue_id = ${args.queueId} and s.position > c.paid_through_position
                   and ${settledEarly("s")}) as waiting_before,
               (select target_fen from queue_entries h where h.queue_id = ${args.queueId} and h.status = 'waiting'
                order by h.position limit 1) as head
        from queue_counters c
      ),
      queue_placed as (
        select i.id, i.position, i.target_fen, a.waiting_before + (i.position - a.first) + 1 as place
        from queue_inserted i, queue_appended a
      )`,
    select: sql`
      select a.payout_mode, a.head, p.id, p.position, p.target_fen, p.place
      from queue_appended a left join queue_placed p on true
      order by p.position`,
    placed: sql.raw("queue_placed"),
    read: (rows) => {
      const first = rows[0];
      if (!first) throw new QueueMovedError(args.merchantId, args.queueId);
      const entries = rows
        .filter((r) => r.intOrNull("id") !== null)
        .map((r) => ({ id: r.int("id"), position: r.int("position"), targetFen: r.int("target_fen"), place: r.int("place") }));
      return {
        entries,
        // The statement reads the queue as it was before its own insert: with nobody waiting, the
        // head is ours (or nobody's, when the order appended nothing).
        headTargetFen: first.intOrNull("head") ?? entries[0]?.targetFen ?? null,
        payoutMode: first.oneOf("payout_mode", payoutMode.enumValues),
      };
    },
  };
}
