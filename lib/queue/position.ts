import "server-only";
import { type SQL, sql } from "drizzle-orm";
import { db } from "@/db";
import { aheadLateral, placeInLine } from "./ahead";
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

type Row = {
  id: number;
  queue_id: number;
  queue_name: string;
  payout_mode: EntryProgress["payoutMode"];
  order_no: string;
  target_fen: number;
  status: EntryProgress["status"];
  paid_kind: EntryProgress["paidKind"];
  created_at: Date;
  settled_at: Date | null;
  ahead_n: number | null;
  ahead_fen: number | null;
  pool: number;
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
  const res = await db.execute<Row>(customerEntriesQuery(customerId, opts));
  return res.rows.map(toProgress);
}

function toProgress(r: Row): EntryProgress {
  const target = Number(r.target_fen);
  const pool = Number(r.pool);
  const waiting = r.status === "waiting";
  const standing = waiting ? entryStanding({ aheadFen: Number(r.ahead_fen ?? 0), targetFen: target, poolFen: pool }) : null;
  return {
    id: Number(r.id),
    queueId: Number(r.queue_id),
    queueName: r.queue_name,
    payoutMode: r.payout_mode,
    orderNo: r.order_no,
    targetFen: target,
    status: r.status,
    paidKind: r.paid_kind,
    createdAt: new Date(r.created_at),
    settledAt: r.settled_at ? new Date(r.settled_at) : null,
    position: placeInLine(r.status, r.ahead_n),
    aheadFen: standing?.aheadFen ?? null,
    neededFen: standing?.neededFen ?? null,
    coveredFen: standing?.coveredFen ?? null,
    poolFen: pool,
    progressBps: standing ? standing.progressBps : r.status === "paid" ? 10_000 : 0,
  };
}
