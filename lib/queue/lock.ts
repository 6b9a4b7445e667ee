import "server-only";
import { sql } from "drizzle-orm";
import type { Tx } from "@/db";
import { runPrepared, statement } from "@/db/prepared";
import { DomainError } from "@/lib/errors";

export type LockedPool = { poolAccountId: number; balanceFen: number };

// A named prepared statement (db/prepared.ts): every order runs it.
const LOCK_QUEUE = statement(
  "lock_queue",
  "select id, balance from accounts where queue_id = $1 and kind = 'pool' for no key update",
);

/**
 * Takes the queue's mutex: its pool account row, `FOR NO KEY UPDATE`, in a statement of its own.
 * Plain FOR UPDATE would deadlock with the KEY SHARE locks that foreign-key checks take; a separate
 * statement means that, under READ COMMITTED, every later statement of this transaction sees all
 * that was committed before the lock was won.
 */
export async function lockQueue(tx: Tx, queueId: number): Promise<LockedPool> {
  const [row] = await runPrepared<{ id: number; balance: number }>(tx, LOCK_QUEUE, [queueId]);
  if (!row) throw new DomainError("not_found", "queue.notFound", undefined, { queueId });
  return { poolAccountId: Number(row.id), balanceFen: Number(row.balance) };
}

/** Target of the waiting entry at the head of the queue, or null when none waits. */
export async function headTarget(tx: Tx, queueId: number): Promise<number | null> {
  const res = await tx.execute<{ target_fen: number }>(sql`
    select target_fen from queue_entries
    where queue_id = ${queueId} and status = 'waiting'
    order by position limit 1`);
  const row = res.rows[0];
  return row ? Number(row.target_fen) : null;
}
