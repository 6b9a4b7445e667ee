import "server-only";
import { and, ne, sql } from "drizzle-orm";
import type { Tx } from "@/db";
import { mapRows } from "@/db/rows";
import { orders } from "@/db/schema";

export type MovedEntries = {
  /** How many entries moved, and the sum of their targets. */
  count: number;
  totalFen: number;
  /** Source queues left with no waiting entry (their paid-through frontier was closed). */
  emptiedQueueIds: number[];
};

/**
 * Moves waiting entries to the back of another queue, in the order given, keeping their ids (a
 * customer's entry, its exit and its order's refund follow it). The caller holds the lock of the
 * destination and of every source queue, taken in queue id order.
 *
 * The destination appends them exactly as a payment appends units (./join.ts): positions and
 * cum_fen from its counters, which advance with them, so a place in line stays a lookup
 * (./ahead.ts). Each place an entry leaves behind becomes a `moved` row naming it: to the source's
 * arithmetic it is an entry settled out of order, so the source's counters, and the places of any
 * entry still waiting there, stay exact. A source left with nobody waiting has its paid-through
 * frontier closed over everything, which keeps its later places cheap. Orders follow their entries
 * (orders.queue_id), so a refund returns the pool share from the pool that now holds it.
 */
export async function moveEntries(tx: Tx, args: { toQueueId: number; entryIds: number[] }): Promise<MovedEntries> {
  if (args.entryIds.length === 0) return { count: 0, totalFen: 0, emptiedQueueIds: [] };
  if (new Set(args.entryIds).size !== args.entryIds.length) throw new Error("an entry is listed twice");
  const src = await tx.execute(sql`
    select e.id, e.queue_id, e.position, e.cum_fen, e.order_id, e.customer_id, e.merchant_id, e.rule_version_id, e.target_fen, u.ord
    from unnest(${sql.param(args.entryIds)}::bigint[]) with ordinality as u(id, ord)
    join queue_entries e on e.id = u.id
    where e.status = 'waiting' and e.queue_id <> ${args.toQueueId}
    order by u.ord`);
  // Under the locks nothing else settles a waiting entry; a missing one is a caller's mistake.
  if (src.rows.length !== args.entryIds.length) throw new Error(`only ${src.rows.length} of ${args.entryIds.length} entries can move`);
  const rows = mapRows(src, (r) => ({
    id: r.int("id"), queueId: r.int("queue_id"), position: r.int("position"), cumFen: r.int("cum_fen"),
    orderId: r.int("order_id"), customerId: r.int("customer_id"), merchantId: r.int("merchant_id"),
    ruleVersionId: r.int("rule_version_id"), targetFen: r.int("target_fen"),
  }));
  const totalFen = rows.reduce((s, r) => s + r.targetFen, 0);

  const moved = await tx.execute(sql`
    with c as (
      update queues set next_position = next_position + ${rows.length}, appended_fen = appended_fen + ${totalFen}
      where id = ${args.toQueueId}
      returning next_position - ${rows.length} as first, appended_fen - ${totalFen} as base_fen
    ),
    u as (
      select x.id, x.ord, x.target,
             coalesce(sum(x.target) over (order by x.ord rows between unbounded preceding and 1 preceding), 0) as before
      from unnest(${sql.param(rows.map((r) => r.id))}::bigint[], ${sql.param(rows.map((r) => r.targetFen))}::bigint[])
        with ordinality as x(id, target, ord)
    )
    update queue_entries e set queue_id = ${args.toQueueId}, position = c.first + u.ord - 1, cum_fen = c.base_fen + u.before
    from c, u where e.id = u.id and e.status = 'waiting'`);
  if (moved.rowCount !== rows.length) throw new Error("moving entries lost a queue lock");

  const col = <K extends keyof (typeof rows)[number]>(k: K) => sql.param(rows.map((r) => r[k]));
  await tx.execute(sql`
    insert into queue_entries (queue_id, order_id, customer_id, merchant_id, rule_version_id, position, target_fen, cum_fen,
                               status, settled_at, moved_entry_id)
    select x.queue_id, x.order_id, x.customer_id, x.merchant_id, x.rule_version_id, x.position, x.target_fen, x.cum_fen,
           'moved', now(), x.id
    from unnest(${col("queueId")}::bigint[], ${col("orderId")}::bigint[], ${col("customerId")}::bigint[],
                ${col("merchantId")}::bigint[], ${col("ruleVersionId")}::bigint[], ${col("position")}::bigint[],
                ${col("targetFen")}::bigint[], ${col("cumFen")}::bigint[], ${col("id")}::bigint[])
      as x(queue_id, order_id, customer_id, merchant_id, rule_version_id, position, target_fen, cum_fen, id)`);

  // The ids go as one array parameter (= any), not a list of one parameter each (inArray): a large
  // hand-over can move more orders than a statement may have parameters.
  await tx
    .update(orders)
    .set({ queueId: args.toQueueId })
    .where(and(sql`${orders.id} = any(${sql.param([...new Set(rows.map((r) => r.orderId))])}::bigint[])`, ne(orders.queueId, args.toQueueId)));

  const sources = [...new Set(rows.map((r) => r.queueId))];
  const emptied = await tx.execute(sql`
    update queues q set paid_through_position = q.next_position - 1, paid_through_fen = q.appended_fen
    where q.id = any(${sql.param(sources)}::bigint[])
      and not exists (select 1 from queue_entries e where e.queue_id = q.id and e.status = 'waiting')
    returning q.id`);
  return { count: rows.length, totalFen, emptiedQueueIds: mapRows(emptied, (r) => r.int("id")).sort((a, b) => a - b) };
}

/**
 * An entry (or an order's entries) moved to another queue while this transaction waited for the
 * old queue's lock. The whole transaction is run again, and then locks the queue the entry is in
 * now. SQLSTATE 40001, so inTransaction retries it as it retries a serialization failure.
 */
export class EntryMovedError extends Error {
  readonly code = "40001";
  constructor(what: string, fromQueueId: number, toQueueId: number) {
    super(`${what} moved from queue ${fromQueueId} to queue ${toQueueId}`);
    this.name = "EntryMovedError";
  }
}
