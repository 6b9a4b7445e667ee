import "server-only";
import { and, count, eq, inArray } from "drizzle-orm";
import type { Tx } from "@/db";
import { accounts } from "@/db/schema";
import { post } from "./post";

export type PoolTransfer = {
  /** Pool account ids, as lockQueue returned them: the caller holds both queue locks. */
  fromPoolAccountId: number;
  toPoolAccountId: number;
  amountFen: number;
  actorUserId: number;
  /** The queue the money leaves, recorded on the ledger transaction. */
  fromQueueId: number;
  reason: string;
};

/**
 * Moves money from one queue's pool to another's as one `pool_transfer` ledger transaction of
 * exactly two legs. Only a hand-over of waiting entries between queues does this (an alliance
 * formed or dissolved), under both queues' locks. Nothing is posted for 0; the source's guard
 * refuses a transfer of more than it holds.
 */
export async function transferPool(tx: Tx, t: PoolTransfer): Promise<number | null> {
  if (!Number.isSafeInteger(t.amountFen) || t.amountFen < 0) throw new Error(`pool transfer of ${t.amountFen} fen`);
  if (t.fromPoolAccountId === t.toPoolAccountId) throw new Error("pool transfer to the same pool");
  if (t.amountFen === 0) return null;
  const [pools] = await tx
    .select({ n: count() })
    .from(accounts)
    .where(and(inArray(accounts.id, [t.fromPoolAccountId, t.toPoolAccountId]), eq(accounts.kind, "pool"), eq(accounts.asset, "CNY")));
  if (pools?.n !== 2) throw new Error("a pool transfer moves money between two pool accounts only");
  return post(tx, {
    kind: "pool_transfer",
    queueId: t.fromQueueId,
    actorUserId: t.actorUserId,
    reason: t.reason,
    legs: [
      { accountId: t.fromPoolAccountId, asset: "CNY", amount: -t.amountFen },
      { accountId: t.toPoolAccountId, asset: "CNY", amount: t.amountFen },
    ],
  });
}
