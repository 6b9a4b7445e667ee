import { customerEntries, type EntryProgress } from "@/lib/queue/position";
import { customerBalances } from "./summary";

/** A waiting entry as the live /me view shows it. */
export type LiveEntry = Pick<
  EntryProgress,
  | "id" | "queueId" | "queueName" | "payoutMode" | "orderNo" | "targetFen" | "position" | "aheadFen" | "neededFen" | "coveredFen"
  | "poolFen" | "progressBps"
>;
/** An entry the queue has paid: what the celebration needs. */
export type LivePayout = { id: number; queueName: string; targetFen: number; paidKind: EntryProgress["paidKind"] };
export type CustomerLive = { waiting: LiveEntry[]; paid: LivePayout[]; walletFen: number };

/**
 * A customer's queue as the live /me view polls it: the waiting entries with their places, the
 * recently paid ones (so a page that saw an entry waiting can tell it was paid), the wallet.
 */
export async function customerLive(customerId: number): Promise<CustomerLive> {
  const [entries, balances] = await Promise.all([customerEntries(customerId, { limit: 100 }), customerBalances(customerId)]);
  return toCustomerLive(entries, balances.walletFen);
}

/** The live view of entries already read (the /me page renders its first frame from its own read). */
export function toCustomerLive(entries: EntryProgress[], walletFen: number): CustomerLive {
  return {
    waiting: entries
      .filter((e) => e.status === "waiting")
      .map(({ id, queueId, queueName, payoutMode, orderNo, targetFen, position, aheadFen, neededFen, coveredFen, poolFen, progressBps }) => ({
        id, queueId, queueName, payoutMode, orderNo, targetFen, position, aheadFen, neededFen, coveredFen, poolFen, progressBps,
      })),
    paid: entries
      .filter((e) => e.status === "paid")
      .map(({ id, queueName, targetFen, paidKind }) => ({ id, queueName, targetFen, paidKind })),
    walletFen,
  };
}

