import "server-only";
import { and, count, eq, ne, sql } from "drizzle-orm";
import { db } from "@/db";
import { mapRows } from "@/db/rows";
import { payoutKind, queueEntries } from "@/db/schema";
import { aheadLateral, placeInLine, SHOWN_STATUSES } from "./ahead";

export type QueueRow = {
  id: number;
  /** The entry's sequence number in the queue's history (sorting, not shown as a place). */
  position: number;
  /** Its place in line as the customer and the POS API see it (waiting ahead + 1); null unless waiting. */
  place: number | null;
  targetFen: number;
  status: "waiting" | "paid" | "left" | "cancelled";
  paidKind: "fifo" | "draw" | null;
  orderNo: string;
  customerName: string;
  storeName: string;
  createdAt: Date;
};

export const QUEUE_PAGE_SIZE = 50;

/** One page of a queue in position order; `status` narrows it (waiting entries by default). */
export async function queueTable(
  queueId: number,
  opts: { status?: "waiting" | "all"; page?: number } = {},
): Promise<{ rows: QueueRow[]; total: number }> {
  const page = Math.max(1, opts.page ?? 1);
  const onlyWaiting = (opts.status ?? "waiting") === "waiting";
  // The same filter twice: for the page's raw join (entries aliased e) and for the count's builder.
  const filter = onlyWaiting ? sql`and e.status = 'waiting'` : sql`and e.status <> 'moved'`;
  const shown = onlyWaiting ? eq(queueEntries.status, "waiting") : ne(queueEntries.status, "moved");
  const [entries, [counted]] = await Promise.all([
    db.execute(sql`
      select e.id, e.position, a.ahead_n, e.target_fen, e.status, e.paid_kind, o.order_no, u.display_name as customer_name,
             m.name as store_name, e.created_at
      from queue_entries e
      join queues q on q.id = e.queue_id
      join orders o on o.id = e.order_id
      join users u on u.id = e.customer_id
      join merchants m on m.id = e.merchant_id
      ${aheadLateral}
      where e.queue_id = ${queueId} ${filter}
      order by e.position
      limit ${QUEUE_PAGE_SIZE} offset ${(page - 1) * QUEUE_PAGE_SIZE}`),
    db.select({ n: count() }).from(queueEntries).where(and(eq(queueEntries.queueId, queueId), shown)),
  ]);
  return {
    rows: mapRows(entries, (r) => {
      const status = r.oneOf("status", SHOWN_STATUSES);
      return {
        id: r.int("id"),
        position: r.int("position"),
        place: placeInLine(status, r.intOrNull("ahead_n")),
        targetFen: r.int("target_fen"),
        status,
        paidKind: r.oneOfOrNull("paid_kind", payoutKind.enumValues),
        orderNo: r.str("order_no"),
        customerName: r.str("customer_name"),
        storeName: r.str("store_name"),
        createdAt: r.date("created_at"),
      };
    }),
    total: counted?.n ?? 0,
  };
}
