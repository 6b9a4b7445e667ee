import "server-only";
import { sql } from "drizzle-orm";
import { db } from "@/db";
import { mapRows } from "@/db/rows";
import { waitingLateral } from "./ahead";

export type ReadyQueue = {
  queueId: number;
  name: string;
  payoutMode: "auto" | "manual";
  poolFen: number;
  headTargetFen: number;
  waitingCount: number;
};

/** Queues whose pool covers the head waiting entry: the ones a payout run would pay. */
export async function readyQueues(): Promise<ReadyQueue[]> {
  const res = await db.execute(sql`
    select q.id, q.name, q.payout_mode, a.balance as pool, h.target_fen as head, w.waiting_n as n
    from queues q
    join accounts a on a.queue_id = q.id and a.kind = 'pool'
    ${waitingLateral}
    join lateral (
      select target_fen from queue_entries e where e.queue_id = q.id and e.status = 'waiting'
      order by position limit 1
    ) h on true
    where a.balance >= h.target_fen
    order by q.id`);
  return mapRows(res, (r) => ({
    queueId: r.int("id"),
    name: r.str("name"),
    payoutMode: r.oneOf("payout_mode", ["auto", "manual"]),
    poolFen: r.int("pool"),
    headTargetFen: r.int("head"),
    waitingCount: r.int("n"),
  }));
}

export type PayoutLine = {
  id: number;
  queueId: number;
  queueName: string;
  customerName: string;
  amountFen: number;
  kind: "fifo" | "draw";
  position: number;
  createdAt: Date;
};

/** Latest payouts, platform-wide or for one queue. */
export async function payoutHistory(opts: { queueId?: number; limit?: number } = {}): Promise<PayoutLine[]> {
  const res = await db.execute(sql`
    select p.id, p.queue_id, q.name as queue_name, u.display_name as customer_name, p.amount_fen, p.kind,
           e.position, p.created_at
    from payouts p
    join queues q on q.id = p.queue_id
    join users u on u.id = p.customer_id
    join queue_entries e on e.id = p.queue_entry_id
    ${opts.queueId !== undefined ? sql`where p.queue_id = ${opts.queueId}` : sql``}
    order by p.id desc
    limit ${Math.min(opts.limit ?? 50, 500)}`);
  return mapRows(res, (r) => ({
    id: r.int("id"),
    queueId: r.int("queue_id"),
    queueName: r.str("queue_name"),
    customerName: r.str("customer_name"),
    amountFen: r.int("amount_fen"),
    kind: r.oneOf("kind", ["fifo", "draw"]),
    position: r.int("position"),
    createdAt: r.date("created_at"),
  }));
}
