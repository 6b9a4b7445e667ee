import "server-only";
import { sql } from "drizzle-orm";
import { db } from "@/db";
import { Cells, mapRows } from "@/db/rows";
import { orderStatus, paymentRefundStatus } from "@/db/schema";
import { RETURN_CAUSES, type ReturnCause } from "./returned-payment";

/** What "My orders" filters by: closed groups expired and cancelled (neither took money). */
export const ORDER_FILTERS = ["all", "pending", "paid", "closed", "refunded"] as const;
export type OrderFilter = (typeof ORDER_FILTERS)[number];

type Status = "pending" | "paid" | "refunded" | "expired" | "cancelled";

/** A payment of this order that did not pay it, on its way back to the customer. */
export type ReturnedPayment = { cause: ReturnCause; amountFen: number; status: "pending" | "succeeded" | "failed" };

export type CustomerOrderRow = {
  orderNo: string;
  status: Status;
  storeName: string;
  amountFen: number;
  cashFen: number;
  pointsUsed: number;
  pointsEarned: number;
  createdAt: Date;
  /** The order's refund's cash, for a refunded order. */
  refundStatus: "pending" | "succeeded" | "failed" | null;
  returned: ReturnedPayment[];
};

const WHERE: Record<OrderFilter, ReturnType<typeof sql>> = {
  all: sql`true`,
  pending: sql`o.status = 'pending'`,
  paid: sql`o.status = 'paid'`,
  closed: sql`o.status in ('expired', 'cancelled')`,
  refunded: sql`o.status = 'refunded'`,
};

/**
 * One page of the customer's own orders, newest first, `limit` at most, after the order `before`
 * (its order number: the cursor of "older orders", which keeps a page stable while new orders
 * arrive). Answers whether older ones remain.
 */
export async function customerOrdersPage(
  customerId: number,
  opts: { filter?: OrderFilter; before?: string; limit?: number } = {},
): Promise<{ orders: CustomerOrderRow[]; more: boolean }> {
  const limit = opts.limit ?? 20;
  const after = opts.before
    ? sql`and (o.created_at, o.id) < (select c.created_at, c.id from orders c where c.order_no = ${opts.before} and c.customer_id = ${customerId})`
    : sql``;
  const res = await db.execute(sql`
    select o.order_no, o.status, m.name as store_name, o.amount_fen, o.cash_fen, o.points_used, o.points_earned, o.created_at,
           (select r.status from payment_refunds r where r.order_id = o.id and r.returned_payment_ref is null) as refund_status,
           (select json_agg(json_build_object('cause', r.return_cause, 'amount_fen', r.amount_fen, 'status', r.status) order by r.id)
              from payment_refunds r where r.order_id = o.id and r.returned_payment_ref is not null) as returned
    from orders o join merchants m on m.id = o.merchant_id
    where o.customer_id = ${customerId} and ${WHERE[opts.filter ?? "all"]} ${after}
    order by o.created_at desc, o.id desc
    limit ${limit + 1}`);
  const rows = mapRows(res, (r) => ({
    orderNo: r.str("order_no"),
    status: r.oneOf("status", orderStatus.enumValues),
    storeName: r.str("store_name"),
    amountFen: r.int("amount_fen"),
    cashFen: r.int("cash_fen"),
    pointsUsed: r.int("points_used"),
    pointsEarned: r.int("points_earned"),
    createdAt: r.date("created_at"),
    refundStatus: r.strOrNull("refund_status") === null ? null : r.oneOf("refund_status", paymentRefundStatus.enumValues),
    returned: returnedList(r.json("returned")),
  }));
  return { orders: rows.slice(0, limit), more: rows.length > limit };
}

/** The payments of one of the customer's orders that did not pay it (returned in full), oldest first. */
export async function returnedPayments(customerId: number, orderNo: string): Promise<ReturnedPayment[]> {
  const res = await db.execute(sql`
    select r.return_cause as cause, r.amount_fen, r.status
    from payment_refunds r join orders o on o.id = r.order_id
    where o.order_no = ${orderNo} and o.customer_id = ${customerId} and r.returned_payment_ref is not null
    order by r.id`);
  return mapRows(res, returnedPayment);
}

/** One returned payment: a row of returnedPayments(), or an object of the page's json_agg (null for none). */
function returnedPayment(r: Cells): ReturnedPayment {
  return { cause: r.oneOf("cause", RETURN_CAUSES), amountFen: r.int("amount_fen"), status: r.oneOf("status", paymentRefundStatus.enumValues) };
}

function returnedList(value: unknown): ReturnedPayment[] {
  if (value === null) return [];
  if (!Array.isArray(value)) throw new TypeError("raw row: column returned should be a json array");
  return value.map((x) => returnedPayment(new Cells(x as Record<string, unknown>)));
}
