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

/** The waiting entries of one order, as /me shows them: one group per order, not a card per unit. */
export type OrderGroup = { orderNo: string; queueName: string; entries: LiveEntry[]; totalFen: number };

/**
 * Groups waiting entries by order, the next to be freed first: the group whose first entry still
 * needs least (in one queue that is the one further ahead), then by place; inside a group, in
 * place order.
 */
export function groupByOrder(waiting: LiveEntry[]): OrderGroup[] {
  const groups = new Map<string, OrderGroup>();
  for (const e of [...waiting].sort((a, b) => (a.position ?? 0) - (b.position ?? 0))) {
    const g = groups.get(e.orderNo) ?? { orderNo: e.orderNo, queueName: e.queueName, entries: [], totalFen: 0 };
    g.entries.push(e);
    g.totalFen += e.targetFen;
    groups.set(e.orderNo, g);
  }
  const first = (g: OrderGroup) => g.entries[0]!;
  return [...groups.values()].sort(
    (a, b) => (first(a).neededFen ?? 0) - (first(b).neededFen ?? 0) || (first(a).position ?? 0) - (first(b).position ?? 0),
  );
}
