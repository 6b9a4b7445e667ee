import "server-only";
import { and, asc, eq } from "drizzle-orm";
import type { Tx } from "@/db";
import { runPrepared, statement } from "@/db/prepared";
import { mapFirst } from "@/db/rows";
import { queueEntries } from "@/db/schema";
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
  const pool = mapFirst(await runPrepared(tx, LOCK_QUEUE, [queueId]), (r) => ({ poolAccountId: r.int("id"), balanceFen: r.int("balance") }));
  if (!pool) throw new DomainError("not_found", "queue.notFound", undefined, { queueId });
  return pool;
}

/** Target of the waiting entry at the head of the queue, or null when none waits. */
export async function headTarget(tx: Tx, queueId: number): Promise<number | null> {
  const [row] = await tx
    .select({ targetFen: queueEntries.targetFen })
    .from(queueEntries)
    .where(and(eq(queueEntries.queueId, queueId), eq(queueEntries.status, "waiting")))
    .orderBy(asc(queueEntries.position))
    .limit(1);
  return row?.targetFen ?? null;
}
