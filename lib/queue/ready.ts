import "server-only";
import { sql } from "drizzle-orm";
import { db } from "@/db";
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
  const res = await db.execute<{ id: number; name: string; payout_mode: "auto" | "manual"; pool: number; head: number; n: number }>(sql`
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
  return res.rows.map((r) => ({
    queueId: Number(r.id),
    name: r.name,
    payoutMode: r.payout_mode,
    poolFen: Number(r.pool),
    headTargetFen: Number(r.head),
    waitingCount: Number(r.n),
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
  const res = await db.execute<{
    id: number;
    queue_id: number;
    queue_name: string;
    customer_name: string;
    amount_fen: number;
    kind: "fifo" | "draw";
    position: number;
    created_at: Date;
  }>(sql`
    select p.id, p.queue_id, q.name as queue_name, u.display_name as customer_name, p.amount_fen, p.kind,
           e.position, p.created_at
    from payouts p
    join queues q on q.id = p.queue_id
    join users u on u.id = p.customer_id
    join queue_entries e on e.id = p.queue_entry_id
    ${opts.queueId !== undefined ? sql`where p.queue_id = ${opts.queueId}` : sql``}
    order by p.id desc
    limit ${Math.min(opts.limit ?? 50, 500)}`);
  return res.rows.map((r) => ({
    id: Number(r.id),
    queueId: Number(r.queue_id),
    queueName: r.queue_name,
    customerName: r.customer_name,
    amountFen: Number(r.amount_fen),
    kind: r.kind,
    position: Number(r.position),
    createdAt: new Date(r.created_at),
  }));
}
