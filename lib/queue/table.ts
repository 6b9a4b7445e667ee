import "server-only";
import { sql } from "drizzle-orm";
import { db } from "@/db";
import { aheadLateral, placeInLine } from "./ahead";

export type QueueRow = {
  id: number;
  /** The entry's sequence number in the queue's history (sorting, not shown as a place). */
  position: number;
  /** Its place in line as the customer and the POS API see it (waiting ahead + 1); null unless waiting. */
  place: number | null;
  targetFen: number;
  status: "waiting" | "paid" | "left" | "cancelled";
  paidKind: "fifo" | "draw" | null;
  orderNo: string;
  customerName: string;
  storeName: string;
  createdAt: Date;
};

export const QUEUE_PAGE_SIZE = 50;

/** One page of a queue in position order; `status` narrows it (waiting entries by default). */
export async function queueTable(
  queueId: number,
  opts: { status?: "waiting" | "all"; page?: number } = {},
): Promise<{ rows: QueueRow[]; total: number }> {
  const page = Math.max(1, opts.page ?? 1);
  const onlyWaiting = (opts.status ?? "waiting") === "waiting";
  const filter = onlyWaiting ? sql`and e.status = 'waiting'` : sql`and e.status <> 'moved'`;
  const [rows, count] = await Promise.all([
    db.execute<{
      id: number;
      position: number;
      ahead_n: number | null;
      target_fen: number;
      status: QueueRow["status"];
      paid_kind: QueueRow["paidKind"];
      order_no: string;
      customer_name: string;
      store_name: string;
      created_at: Date;
    }>(sql`
      select e.id, e.position, a.ahead_n, e.target_fen, e.status, e.paid_kind, o.order_no, u.display_name as customer_name,
             m.name as store_name, e.created_at
      from queue_entries e
      join queues q on q.id = e.queue_id
      join orders o on o.id = e.order_id
      join users u on u.id = e.customer_id
      join merchants m on m.id = e.merchant_id
      ${aheadLateral}
      where e.queue_id = ${queueId} ${filter}
      order by e.position
      limit ${QUEUE_PAGE_SIZE} offset ${(page - 1) * QUEUE_PAGE_SIZE}`),
    db.execute<{ n: number }>(sql`select count(*)::bigint as n from queue_entries e where e.queue_id = ${queueId} ${filter}`),
  ]);
  return {
    rows: rows.rows.map((r) => ({
      id: Number(r.id),
      position: Number(r.position),
      place: placeInLine(r.status, r.ahead_n),
      targetFen: Number(r.target_fen),
      status: r.status,
      paidKind: r.paid_kind,
      orderNo: r.order_no,
      customerName: r.customer_name,
      storeName: r.store_name,
      createdAt: new Date(r.created_at),
    })),
    total: Number(count.rows[0]?.n ?? 0),
  };
}
