import type { LiveEntry } from "./live";
// Pure: the live /me list (a client component) imports it, so it must not reach the database.

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
