import "server-only";
import { type SQL, sql } from "drizzle-orm";
import { db } from "@/db";
import { mapRows, type Cells } from "@/db/rows";
import { payoutKind, payoutMode } from "@/db/schema";
import { aheadLateral, placeInLine, SHOWN_STATUSES } from "./ahead";
import { entryStanding } from "./progress";

export type EntryProgress = {
  id: number;
  queueId: number;
  queueName: string;
  payoutMode: "auto" | "manual";
  orderNo: string;
  targetFen: number;
  status: "waiting" | "paid" | "left" | "cancelled";
  paidKind: "fifo" | "draw" | null;
  createdAt: Date;
  settledAt: Date | null;
  /** For waiting entries: waiting entries ahead + 1. */
  position: number | null;
  /** Sum of the targets of the waiting entries ahead. */
  aheadFen: number | null;
  /** aheadFen + target − pool, at least 0. */
  neededFen: number | null;
  /** The part of the target the pool holds beyond the entries ahead (./progress.ts). */
  coveredFen: number | null;
  poolFen: number;
  /** 0..10000: coveredFen against the target; only moves forwards while the entry waits. */
  progressBps: number;
};

/**
 * The query behind customerEntries: a customer's entries, newest first, each with its place in line
 * from the queue's counters (./ahead.ts), so it costs the same at 10 or 1,000,000 waiting entries.
 * Exported for the benchmark's EXPLAIN.
 */
export function customerEntriesQuery(customerId: number, opts: { limit?: number; orderId?: number } = {}): SQL {
  const limit = Math.min(opts.limit ?? 100, 500);
  return sql`
    select e.id, e.queue_id, q.name as queue_name, q.payout_mode, o.order_no, e.target_fen, e.status, e.paid_kind,
           e.created_at, e.settled_at, p.balance as pool, a.ahead_n, a.ahead_fen
    from queue_entries e
    join queues q on q.id = e.queue_id
    join orders o on o.id = e.order_id
    join accounts p on p.queue_id = e.queue_id and p.kind = 'pool'
    ${aheadLateral}
    where e.customer_id = ${customerId} and e.status <> 'moved' ${opts.orderId !== undefined ? sql`and e.order_id = ${opts.orderId}` : sql``}
    order by e.id desc
    limit ${limit}`;
}

/**
 * A customer's entries, newest first, with each waiting entry's place and what it still needs.
 * `orderId` narrows it to one order's entries (the order page, a live position feed).
 */
export async function customerEntries(customerId: number, opts: { limit?: number; orderId?: number } = {}): Promise<EntryProgress[]> {
  return mapRows(await db.execute(customerEntriesQuery(customerId, opts)), toProgress);
}

function toProgress(r: Cells): EntryProgress {
  const target = r.int("target_fen");
  const pool = r.int("pool");
  const status = r.oneOf("status", SHOWN_STATUSES);
  const waiting = status === "waiting";
  // ahead_fen is numeric (int8 minus a sum), so it arrives as an integer string.
  const standing = waiting ? entryStanding({ aheadFen: r.intOrNull("ahead_fen") ?? 0, targetFen: target, poolFen: pool }) : null;
  return {
    id: r.int("id"),
    queueId: r.int("queue_id"),
    queueName: r.str("queue_name"),
    payoutMode: r.oneOf("payout_mode", payoutMode.enumValues),
    orderNo: r.str("order_no"),
    targetFen: target,
    status,
    paidKind: r.oneOfOrNull("paid_kind", payoutKind.enumValues),
    createdAt: r.date("created_at"),
    settledAt: r.dateOrNull("settled_at"),
    position: placeInLine(status, r.intOrNull("ahead_n")),
    aheadFen: standing?.aheadFen ?? null,
    neededFen: standing?.neededFen ?? null,
    coveredFen: standing?.coveredFen ?? null,
    poolFen: pool,
    progressBps: standing ? standing.progressBps : status === "paid" ? 10_000 : 0,
  };
}
