import "server-only";
import { sql } from "drizzle-orm";
import { unavailableReason } from "@/db/errors";
import { mapFirst } from "@/db/rows";
import { inTransaction } from "@/db/transaction";
import { drainBatch } from "./drain";
import { log } from "@/lib/observability/log";

/**
 * `failed`: queues whose drain broke (a bug: 500). `unavailable`: queues whose drain lost its
 * connection or timed out twice in a row (the database's state: 503, try again later).
 */
export type SweepResult = { queues: number; paid: number; paidFen: number; failed: number; unavailable: number };

/**
 * The safety net: drains every `auto` queue whose pool covers its head. Queues are chosen with
 * SKIP LOCKED on their pool row, so a second sweep (or a drain running for a payment) is skipped
 * rather than waited for; inside a queue nothing is ever skipped: drainBatch pays its FIFO prefix.
 * Walks queues in id order, one batch per transaction, until none is ready. A batch that loses its
 * connection (a terminated backend, a timeout) rolled back whole, so it is tried once more at once;
 * found by `npm run chaos`, where one terminated backend turned the whole sweep into a 500.
 */
export async function sweepReadyQueues(): Promise<SweepResult> {
  const out: SweepResult = { queues: 0, paid: 0, paidFen: 0, failed: 0, unavailable: 0 };
  let after = 0;
  let current = 0;
  let retried: number | null = null;
  for (;;) {
    let picked: number | null = null;
    try {
      const r = await inTransaction(async (tx) => {
        const res = await tx.execute(sql`
          select a.queue_id from accounts a
          join queues q on q.id = a.queue_id
          where a.kind = 'pool' and q.payout_mode = 'auto' and a.queue_id > ${after}
            and a.balance >= (
              select e.target_fen from queue_entries e
              where e.queue_id = a.queue_id and e.status = 'waiting'
              order by e.position limit 1)
          order by a.queue_id
          limit 1
          for no key update of a skip locked`);
        const queueId = mapFirst(res, (c) => c.int("queue_id"));
        if (queueId === undefined) return null;
        picked = queueId;
        return { queueId: picked, ...(await drainBatch(tx, picked)) };
      });
      if (!r) return out;
      if (r.queueId !== current) {
        out.queues += 1;
        current = r.queueId;
      }
      out.paid += r.paid;
      out.paidFen += r.paidFen;
      // Stay on this queue while its batches are full; then move past it.
      after = r.more ? r.queueId - 1 : r.queueId;
    } catch (e) {
      if (picked === null) throw e;
      const transient = unavailableReason(e) !== null;
      if (transient && retried !== picked) {
        retried = picked;
        after = picked - 1;
        continue;
      }
      if (transient) out.unavailable += 1;
      else out.failed += 1;
      log.error({ queueId: picked, transient, err: e }, transient ? "sweep: drain unavailable twice" : "sweep: drain failed");
      after = picked;
    }
  }
}
