import "server-only";
import { sql } from "drizzle-orm";
import { db } from "@/db";
import { DRAW_CAP_FEN } from "./draw";

export type DrawQueue = {
  queueId: number;
  name: string;
  payoutMode: "auto" | "manual";
  /** Stores whose new orders feed this queue; empty for a former queue of an alliance member. */
  stores: string[];
  poolFen: number;
  waitingCount: number;
  waitingFen: number;
  /** Waiting entries a draw could pick now: target within the pool and the cap. */
  candidateCount: number;
  candidateFen: number;
};

type QueueRow = {
  id: number;
  name: string;
  payout_mode: "auto" | "manual";
  stores: string[] | null;
  pool: number;
  n: number;
  total: number;
  cn: number;
  ctotal: number;
};

/** Queues with waiting entries, for the draw page: pool, waiting and candidate figures. */
export async function drawQueues(opts: { queueId?: number; limit?: number } = {}): Promise<DrawQueue[]> {
  const res = await db.execute<QueueRow>(sql`
    select q.id, q.name, q.payout_mode, a.balance as pool,
           (select array_agg(m.name order by m.name) from merchants m where m.queue_id = q.id and m.status = 'approved') as stores,
           w.n, w.total, w.cn, w.ctotal
    from queues q
    join accounts a on a.queue_id = q.id and a.kind = 'pool'
    join lateral (
      select count(*)::bigint as n, coalesce(sum(e.target_fen), 0)::bigint as total,
             count(*) filter (where e.target_fen <= least(a.balance, ${DRAW_CAP_FEN}))::bigint as cn,
             coalesce(sum(e.target_fen) filter (where e.target_fen <= least(a.balance, ${DRAW_CAP_FEN})), 0)::bigint as ctotal
      from queue_entries e where e.queue_id = q.id and e.status = 'waiting'
    ) w on true
    where w.n > 0 ${opts.queueId !== undefined ? sql`and q.id = ${opts.queueId}` : sql``}
    order by w.cn desc, q.id
    limit ${Math.min(opts.limit ?? 200, 500)}`);
  return res.rows.map((r) => ({
    queueId: Number(r.id),
    name: r.name,
    payoutMode: r.payout_mode,
    stores: r.stores ?? [],
    poolFen: Number(r.pool),
    waitingCount: Number(r.n),
    waitingFen: Number(r.total),
    candidateCount: Number(r.cn),
    candidateFen: Number(r.ctotal),
  }));
}

export type DrawLine = {
  drawId: number;
  queueId: number;
  queueName: string;
  operatorName: string;
  candidates: number;
  randomHex: string;
  chosenIndex: number;
  entryId: number;
  position: number;
  storeName: string;
  customerName: string;
  orderNo: string;
  amountFen: number;
  capFen: number;
  reason: string | null;
  createdAt: Date;
};

type LineRow = {
  id: number;
  queue_id: number;
  queue_name: string;
  operator_name: string;
  candidates: number;
  random_value: string;
  chosen_index: number;
  queue_entry_id: number;
  position: number;
  store_name: string;
  customer_name: string;
  order_no: string;
  amount_fen: number;
  cap_fen: number;
  reason: string | null;
  created_at: Date;
};

/** Latest draws (or one draw), newest first, with who ran them and whom they paid. */
export async function drawHistory(opts: { drawId?: number; queueId?: number; limit?: number } = {}): Promise<DrawLine[]> {
  const where =
    opts.drawId !== undefined ? sql`where d.id = ${opts.drawId}` : opts.queueId !== undefined ? sql`where d.queue_id = ${opts.queueId}` : sql``;
  const res = await db.execute<LineRow>(sql`
    select d.id, d.queue_id, q.name as queue_name, op.display_name as operator_name, d.candidates, d.random_value,
           d.chosen_index, d.queue_entry_id, e.position, m.name as store_name, cu.display_name as customer_name,
           o.order_no, d.amount_fen, d.cap_fen, d.reason, d.created_at
    from draws d
    join queues q on q.id = d.queue_id
    join users op on op.id = d.operator_user_id
    join queue_entries e on e.id = d.queue_entry_id
    join merchants m on m.id = e.merchant_id
    join users cu on cu.id = e.customer_id
    join orders o on o.id = e.order_id
    ${where}
    order by d.id desc
    limit ${Math.min(opts.limit ?? 50, 500)}`);
  return res.rows.map((r) => ({
    drawId: Number(r.id),
    queueId: Number(r.queue_id),
    queueName: r.queue_name,
    operatorName: r.operator_name,
    candidates: Number(r.candidates),
    randomHex: r.random_value,
    chosenIndex: Number(r.chosen_index),
    entryId: Number(r.queue_entry_id),
    position: Number(r.position),
    storeName: r.store_name,
    customerName: r.customer_name,
    orderNo: r.order_no,
    amountFen: Number(r.amount_fen),
    capFen: Number(r.cap_fen),
    reason: r.reason,
    createdAt: new Date(r.created_at),
  }));
}
