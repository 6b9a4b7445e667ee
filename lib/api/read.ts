import "server-only";
import { sql } from "drizzle-orm";
import { db } from "@/db";
import { mapFirst } from "@/db/rows";
import { payoutKind } from "@/db/schema";
import { queueGauge } from "@/lib/merchants/store";
import { aheadLateral, placeInLine } from "@/lib/queue/ahead";
import { entryStanding } from "@/lib/queue/progress";

/** `GET /api/v1/queue`: the store's pool against the head of its queue. */
export type QueueView = {
  queue_id: number;
  payout_mode: "auto" | "manual";
  pool_fen: number;
  head_target_fen: number | null;
  /** True when the pool covers the head: an auto queue is about to pay it out. */
  head_covered: boolean;
  waiting_count: number;
  waiting_fen: number;
};

export async function queueView(queueId: number): Promise<QueueView> {
  const g = await queueGauge(queueId);
  return {
    queue_id: g.queueId,
    payout_mode: g.payoutMode,
    pool_fen: g.poolFen,
    head_target_fen: g.headTargetFen,
    head_covered: g.headTargetFen !== null && g.poolFen >= g.headTargetFen,
    waiting_count: g.waitingCount,
    waiting_fen: g.waitingFen,
  };
}

/** `GET /api/v1/entries/{id}`: one queue entry, with what SPEC shows the customer. */
export type EntryView = {
  id: number;
  order_no: string;
  status: "waiting" | "paid" | "left" | "cancelled";
  /** For paid entries: `fifo` (the queue reached it) or `draw` (the lucky draw). */
  paid_kind: "fifo" | "draw" | null;
  target_fen: number;
  /** Waiting entries ahead + 1; null unless waiting. */
  position: number | null;
  /** Sum of the targets of the waiting entries ahead; null unless waiting. */
  ahead_fen: number | null;
  /** ahead + target − pool, at least 0; null unless waiting. */
  needed_fen: number | null;
  pool_fen: number;
  created_at: string;
  settled_at: string | null;
};

/** One entry of the store's own orders, or null (another store's entry is as unknown as none). */
export async function entryOfMerchant(merchantId: number, entryId: number): Promise<EntryView | null> {
  const res = await db.execute(sql`
    select e.id, o.order_no, e.status, e.paid_kind, e.target_fen, e.created_at, e.settled_at,
           p.balance as pool, a.ahead_n, a.ahead_fen
    from queue_entries e
    join queues q on q.id = e.queue_id
    join orders o on o.id = e.order_id
    join accounts p on p.queue_id = e.queue_id and p.kind = 'pool'
    ${aheadLateral}
    where e.id = ${entryId} and e.merchant_id = ${merchantId} and e.status <> 'moved'`);
  // ahead_n and ahead_fen are null unless the entry waits (the lateral joins on that); ahead_fen is
  // numeric (a bigint less a sum), which int() reads from its text.
  const r = mapFirst(res, (c) => ({
    id: c.int("id"),
    orderNo: c.str("order_no"),
    status: c.oneOf("status", ["waiting", "paid", "left", "cancelled"]),
    paidKind: c.strOrNull("paid_kind") === null ? null : c.oneOf("paid_kind", payoutKind.enumValues),
    targetFen: c.int("target_fen"),
    createdAt: c.date("created_at"),
    settledAt: c.dateOrNull("settled_at"),
    poolFen: c.int("pool"),
    aheadN: c.intOrNull("ahead_n"),
    aheadFen: c.intOrNull("ahead_fen"),
  }));
  if (!r) return null;
  const standing = r.status === "waiting" ? entryStanding({ aheadFen: r.aheadFen ?? 0, targetFen: r.targetFen, poolFen: r.poolFen }) : null;
  return {
    id: r.id,
    order_no: r.orderNo,
    status: r.status,
    paid_kind: r.paidKind,
    target_fen: r.targetFen,
    position: placeInLine(r.status, r.aheadN),
    ahead_fen: standing?.aheadFen ?? null,
    needed_fen: standing?.neededFen ?? null,
    pool_fen: r.poolFen,
    created_at: r.createdAt.toISOString(),
    settled_at: r.settledAt?.toISOString() ?? null,
  };
}
