import "server-only";
import { sql } from "drizzle-orm";
import { db } from "@/db";
import { mapRows } from "@/db/rows";
import { payoutMode } from "@/db/schema";
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

/** Queues with waiting entries, for the draw page: pool, waiting and candidate figures. */
export async function drawQueues(opts: { queueId?: number; limit?: number } = {}): Promise<DrawQueue[]> {
  const res = await db.execute(sql`
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
  return mapRows(res, (r) => ({
    queueId: r.int("id"),
    name: r.str("name"),
    payoutMode: r.oneOf("payout_mode", payoutMode.enumValues),
    stores: r.strList("stores"),
    poolFen: r.int("pool"),
    waitingCount: r.int("n"),
    waitingFen: r.int("total"),
    candidateCount: r.int("cn"),
    candidateFen: r.int("ctotal"),
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

/** Latest draws (or one draw), newest first, with who ran them and whom they paid. */
export async function drawHistory(opts: { drawId?: number; queueId?: number; limit?: number } = {}): Promise<DrawLine[]> {
  const where =
    opts.drawId !== undefined ? sql`where d.id = ${opts.drawId}` : opts.queueId !== undefined ? sql`where d.queue_id = ${opts.queueId}` : sql``;
  const res = await db.execute(sql`
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
  return mapRows(res, (r) => ({
    drawId: r.int("id"),
    queueId: r.int("queue_id"),
    queueName: r.str("queue_name"),
    operatorName: r.str("operator_name"),
    candidates: r.int("candidates"),
    randomHex: r.str("random_value"),
    chosenIndex: r.int("chosen_index"),
    entryId: r.int("queue_entry_id"),
    position: r.int("position"),
    storeName: r.str("store_name"),
    customerName: r.str("customer_name"),
    orderNo: r.str("order_no"),
    amountFen: r.int("amount_fen"),
    capFen: r.int("cap_fen"),
    reason: r.strOrNull("reason"),
    createdAt: r.date("created_at"),
  }));
}
