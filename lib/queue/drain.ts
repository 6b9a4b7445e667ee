import "server-only";
import { sql } from "drizzle-orm";
import type { Tx } from "@/db";
import { mapFirst, mapRows } from "@/db/rows";
import { inTransaction } from "@/db/transaction";
import { env } from "@/lib/env";
import { post, walletAccounts } from "@/lib/ledger";
import { notifyEntriesFreed } from "@/lib/notifications/notify";
import { lockQueue, type LockedPool } from "./lock";

/** Entries paid per database transaction: bounds lock time and statement size. */
export const DRAIN_BATCH = 1000;

export type DrainBatchResult = { paid: number; paidFen: number; more: boolean };

/**
 * Pays the longest prefix of the waiting queue that the pool covers, up to `limit` entries, in
 * strict FIFO order: it stops at the first entry that does not fit and never skips the head.
 */
export async function drainBatch(tx: Tx, queueId: number, limit = DRAIN_BATCH): Promise<DrainBatchResult> {
  const pool = env.FREELINE_TEST_BROKEN_DRAIN === "skip-lock" ? await readPoolUnlocked(tx, queueId) : await lockQueue(tx, queueId);
  if (pool.balanceFen <= 0) return { paid: 0, paidFen: 0, more: false };

  const res = await tx.execute(sql`
    select id, customer_id, target_fen, position, cum_fen from (
      select id, customer_id, target_fen, position, cum_fen,
             sum(target_fen) over (order by position rows unbounded preceding) as running
      from (
        select id, customer_id, target_fen, position, cum_fen from queue_entries
        where queue_id = ${queueId} and status = 'waiting'
        order by position limit ${limit}
      ) w
    ) r
    where running <= ${pool.balanceFen}
    order by position`);
  const due = mapRows(res, (r) => ({
    id: r.int("id"),
    customerId: r.int("customer_id"),
    targetFen: r.int("target_fen"),
    position: r.int("position"),
    cumFen: r.int("cum_fen"),
  }));
  if (due.length === 0) return { paid: 0, paidFen: 0, more: false };

  const ids = due.map((d) => d.id);
  // Everything up to the last entry paid here is now settled: move the queue's paid-through frontier
  // there, in the same statement (see ./ahead.ts).
  const last = due[due.length - 1]!;
  const marked = await tx.execute(sql`
    with f as (
      update queues set paid_through_position = ${last.position},
                        paid_through_fen = ${last.cumFen + last.targetFen}
      where id = ${queueId}
    )
    update queue_entries set status = 'paid', paid_kind = 'fifo', settled_at = now()
    where id = any(${sql.param(ids)}::bigint[]) and status = 'waiting'`);
  // Under the queue lock nothing else can have settled these entries; if it did, stop rather than
  // pay an entry twice (the unique payout key would refuse it anyway).
  if (marked.rowCount !== due.length) throw new Error(`drain of queue ${queueId} lost its lock`);

  const wallets = await walletAccounts(tx, [...new Set(due.map((d) => d.customerId))]);
  const paidFen = due.reduce((s, d) => s + d.targetFen, 0);
  const txId = await post(tx, {
    kind: "queue_payout",
    queueId,
    legs: [
      { accountId: pool.poolAccountId, asset: "CNY", amount: -paidFen },
      ...due.map((d) => {
        const wallet = wallets.get(d.customerId);
        if (wallet === undefined) throw new Error(`customer ${d.customerId} has no wallet`);
        return { accountId: wallet, asset: "CNY" as const, amount: d.targetFen };
      }),
    ],
  });

  await tx.execute(sql`
    insert into payouts (queue_entry_id, queue_id, customer_id, amount_fen, kind, transaction_id)
    select e.id, ${queueId}, e.customer_id, e.target_fen, 'fifo', ${txId}
    from unnest(${sql.param(ids)}::bigint[], ${sql.param(due.map((d) => d.customerId))}::bigint[], ${sql.param(due.map((d) => d.targetFen))}::bigint[])
      as e(id, customer_id, target_fen)`);
  // Each customer freed here is told, in this transaction: never for a batch that rolls back.
  await notifyEntriesFreed(tx, txId);

  return { paid: due.length, paidFen, more: due.length === limit };
}

/**
 * TEST ONLY (FREELINE_TEST_BROKEN_DRAIN=skip-lock, see lib/env.ts): the pool read the way a drain
 * without its queue lock would read it, so the chaos run and its test can prove they catch that bug.
 */
async function readPoolUnlocked(tx: Tx, queueId: number): Promise<LockedPool> {
  const res = await tx.execute(sql`
    select id, balance from accounts where queue_id = ${queueId} and kind = 'pool'`);
  const pool = mapFirst(res, (r) => ({ poolAccountId: r.int("id"), balanceFen: r.int("balance") }));
  if (!pool) throw new Error(`queue ${queueId} has no pool`);
  return pool;
}

export type DrainResult = { paid: number; paidFen: number; batches: number };

/** Drains a queue until the pool no longer covers its head, one bounded transaction per batch. */
export async function drainQueue(queueId: number, limit = DRAIN_BATCH): Promise<DrainResult> {
  const total: DrainResult = { paid: 0, paidFen: 0, batches: 0 };
  for (;;) {
    const r = await inTransaction((tx) => drainBatch(tx, queueId, limit));
    total.paid += r.paid;
    total.paidFen += r.paidFen;
    if (r.paid > 0) total.batches += 1;
    if (!r.more) return total;
  }
}
