import "server-only";
import { and, count, eq, like, ne, sql } from "drizzle-orm";
import { db } from "@/db";
import { Cells, mapFirst, mapRows } from "@/db/rows";
import { orders, orderStatus, paymentRefundStatus, queueEntries } from "@/db/schema";

export type EntryCounts = { waiting: number; paid: number; left: number; cancelled: number };

export type OrderListRow = {
  id: number;
  orderNo: string;
  status: "pending" | "paid" | "refunded" | "expired" | "cancelled";
  createdAt: Date;
  paidAt: Date | null;
  refundedAt: Date | null;
  amountFen: number;
  cashFen: number;
  pointsUsed: number;
  pointsEarned: number;
  poolFen: number;
  provider: string;
  customerName: string;
  entries: EntryCounts;
  /** Where the refund's cash is (refunded orders only): on its way, back with the customer, or refused by the provider. */
  refundStatus: RefundStatus | null;
};

export type RefundStatus = "pending" | "succeeded" | "failed";

export const ORDERS_PAGE_SIZE = 20;

/** What an order-number search may contain: the order alphabet, as typed (any case, spaces ignored). */
export function normalizeOrderNo(input: string): string {
  return input.replace(/\s+/g, "").toUpperCase().replace(/[^0-9A-Z]/g, "").slice(0, 16);
}

const SELECT = sql`
  select o.id, o.order_no, o.status, o.created_at, o.paid_at, o.refunded_at, o.amount_fen, o.cash_fen,
         o.points_used, o.points_earned, o.pool_fen, o.provider, u.display_name as customer_name,
         (select r.status from payment_refunds r where r.order_id = o.id and r.returned_payment_ref is null) as refund_status,
         coalesce(c.waiting, 0) as waiting, coalesce(c.paid, 0) as paid,
         coalesce(c.left_n, 0) as left_n, coalesce(c.cancelled, 0) as cancelled
  from orders o
  join users u on u.id = o.customer_id
  left join lateral (
    select count(*) filter (where e.status = 'waiting')::int as waiting,
           count(*) filter (where e.status = 'paid')::int as paid,
           count(*) filter (where e.status = 'left')::int as left_n,
           count(*) filter (where e.status = 'cancelled')::int as cancelled
    from queue_entries e where e.order_id = o.id
  ) c on true`;

/** A row of SELECT. */
function toRow(r: Cells): OrderListRow {
  return {
    id: r.int("id"),
    orderNo: r.str("order_no"),
    status: r.oneOf("status", orderStatus.enumValues),
    createdAt: r.date("created_at"),
    paidAt: r.dateOrNull("paid_at"),
    refundedAt: r.dateOrNull("refunded_at"),
    amountFen: r.int("amount_fen"),
    cashFen: r.int("cash_fen"),
    pointsUsed: r.int("points_used"),
    pointsEarned: r.int("points_earned"),
    poolFen: r.int("pool_fen"),
    provider: r.str("provider"),
    customerName: r.str("customer_name"),
    refundStatus: refundStatusOrNull(r, "refund_status"),
    entries: { waiting: r.int("waiting"), paid: r.int("paid"), left: r.int("left_n"), cancelled: r.int("cancelled") },
  };
}

function refundStatusOrNull(r: Cells, name: string): RefundStatus | null {
  return r.strOrNull(name) === null ? null : r.oneOf(name, paymentRefundStatus.enumValues);
}

/**
 * One page of a store's orders, newest first. `q` narrows to order numbers containing it
 * (normalised with normalizeOrderNo, so it can hold no LIKE wildcards).
 */
export async function storeOrders(
  merchantId: number,
  opts: { q?: string; page?: number } = {},
): Promise<{ rows: OrderListRow[]; total: number }> {
  const page = Math.max(1, opts.page ?? 1);
  const q = normalizeOrderNo(opts.q ?? "");
  const pattern = `%${q}%`;
  const [rows, [total]] = await Promise.all([
    db.execute(sql`
      ${SELECT}
      where o.merchant_id = ${merchantId} ${q ? sql`and o.order_no like ${pattern}` : sql``}
      order by o.created_at desc, o.id desc
      limit ${ORDERS_PAGE_SIZE} offset ${(page - 1) * ORDERS_PAGE_SIZE}`),
    db
      .select({ n: count() })
      .from(orders)
      .where(and(eq(orders.merchantId, merchantId), q ? like(orders.orderNo, pattern) : undefined)),
  ]);
  return { rows: mapRows(rows, toRow), total: total?.n ?? 0 };
}

export type OrderEntry = { id: number; position: number; targetFen: number; status: keyof EntryCounts; settledAt: Date | null };

export type RefundRecord = {
  provider: string;
  status: RefundStatus;
  /** The id the provider knows the refund by, and which attempt it is (an operator's retry makes the next). */
  outRefundNo: string;
  attempt: number;
  providerRef: string | null;
  /** The provider's reason for refusing it (status failed). */
  failureReason: string | null;
  /** The latest error of a call the job is retrying. */
  lastError: string | null;
  settledAt: Date | null;
  amountFen: number;
  actorName: string;
  actorRole: string;
  reason: string | null;
  createdAt: Date;
};

export type OrderDetail = OrderListRow & {
  merchantId: number;
  storeName: string;
  customerUsername: string;
  rebateFen: number;
  platformFeeFen: number;
  entryList: OrderEntry[];
  refund: RefundRecord | null;
};

/** Any store's order by its exact number, with its entries and refund record (operators). */
export async function orderByNo(orderNo: string): Promise<OrderDetail | null> {
  const no = normalizeOrderNo(orderNo);
  if (!no) return null;
  const res = await db.execute(sql`
    select x.*, m.id as merchant_id, m.name as store_name, u2.username, o2.rebate_fen, o2.platform_fee_fen
    from (${SELECT} where o.order_no = ${no}) x
    join orders o2 on o2.id = x.id
    join merchants m on m.id = o2.merchant_id
    join users u2 on u2.id = o2.customer_id`);
  const order = mapFirst(res, (r) => ({
    ...toRow(r),
    merchantId: r.int("merchant_id"),
    storeName: r.str("store_name"),
    customerUsername: r.str("username"),
    rebateFen: r.int("rebate_fen"),
    platformFeeFen: r.int("platform_fee_fen"),
  }));
  if (!order) return null;
  const [entries, refund] = await Promise.all([
    db
      .select({
        id: queueEntries.id,
        position: queueEntries.position,
        targetFen: queueEntries.targetFen,
        status: queueEntries.status,
        settledAt: queueEntries.settledAt,
      })
      .from(queueEntries)
      .where(and(eq(queueEntries.orderId, order.id), ne(queueEntries.status, "moved")))
      .orderBy(queueEntries.queueId, queueEntries.position),
    db.execute(sql`
      select p.provider, p.status, p.out_refund_no, p.attempt, p.provider_ref, p.failure_reason, p.last_error, p.settled_at,
             p.amount_fen, u.display_name as actor_name, u.role as actor_role, p.reason, p.created_at
      from payment_refunds p join users u on u.id = p.actor_user_id where p.order_id = ${order.id} and p.returned_payment_ref is null`),
  ]);
  return {
    ...order,
    entryList: entries.map((e) => {
      // Excluded by the query: a moved entry lives on in its new queue.
      if (e.status === "moved") throw new Error(`order ${order.id}: moved entry ${e.id} listed`);
      return { ...e, status: e.status };
    }),
    refund:
      mapFirst(refund, (f) => ({
        provider: f.str("provider"),
        status: f.oneOf("status", paymentRefundStatus.enumValues),
        outRefundNo: f.str("out_refund_no"),
        attempt: f.int("attempt"),
        providerRef: f.strOrNull("provider_ref"),
        failureReason: f.strOrNull("failure_reason"),
        lastError: f.strOrNull("last_error"),
        settledAt: f.dateOrNull("settled_at"),
        amountFen: f.int("amount_fen"),
        actorName: f.str("actor_name"),
        actorRole: f.str("actor_role"),
        reason: f.strOrNull("reason"),
        createdAt: f.date("created_at"),
      })) ?? null,
  };
}

export type RefundNeedingAttention = {
  orderId: number;
  orderNo: string;
  storeName: string;
  amountFen: number;
  status: RefundStatus;
  outRefundNo: string;
  /** Why the provider refused it (failed), or the latest error of a call being retried (pending). */
  problem: string | null;
  createdAt: Date;
};

/**
 * Refunds an operator should look at, oldest first: refused by the provider (the cash is still owed
 * to the customer; an operator retries), or still pending after a failed call (the job retries).
 */
export async function refundsNeedingAttention(limit = 100): Promise<RefundNeedingAttention[]> {
  const res = await db.execute(sql`
    select r.order_id, o.order_no, m.name as store_name, r.amount_fen, r.status, r.out_refund_no,
           coalesce(r.failure_reason, r.last_error) as problem, r.created_at
    from payment_refunds r join orders o on o.id = r.order_id join merchants m on m.id = o.merchant_id
    where r.status = 'failed' or (r.status = 'pending' and r.last_error is not null)
    order by r.created_at, r.id limit ${limit}`);
  return mapRows(res, (r) => ({
    orderId: r.int("order_id"),
    orderNo: r.str("order_no"),
    storeName: r.str("store_name"),
    amountFen: r.int("amount_fen"),
    status: r.oneOf("status", paymentRefundStatus.enumValues),
    outRefundNo: r.str("out_refund_no"),
    problem: r.strOrNull("problem"),
    createdAt: r.date("created_at"),
  }));
}
