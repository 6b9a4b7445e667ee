import "server-only";
import { sql } from "drizzle-orm";
import { db } from "@/db";

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

type Row = {
  id: number;
  order_no: string;
  status: OrderListRow["status"];
  created_at: Date;
  paid_at: Date | null;
  refunded_at: Date | null;
  amount_fen: number;
  cash_fen: number;
  points_used: number;
  points_earned: number;
  pool_fen: number;
  provider: string;
  customer_name: string;
  refund_status: RefundStatus | null;
  waiting: number;
  paid: number;
  left_n: number;
  cancelled: number;
};

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

function toRow(r: Row): OrderListRow {
  return {
    id: Number(r.id),
    orderNo: r.order_no,
    status: r.status,
    createdAt: new Date(r.created_at),
    paidAt: r.paid_at ? new Date(r.paid_at) : null,
    refundedAt: r.refunded_at ? new Date(r.refunded_at) : null,
    amountFen: Number(r.amount_fen),
    cashFen: Number(r.cash_fen),
    pointsUsed: Number(r.points_used),
    pointsEarned: Number(r.points_earned),
    poolFen: Number(r.pool_fen),
    provider: r.provider,
    customerName: r.customer_name,
    refundStatus: r.refund_status ?? null,
    entries: { waiting: Number(r.waiting), paid: Number(r.paid), left: Number(r.left_n), cancelled: Number(r.cancelled) },
  };
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
  const filter = q ? sql`and o.order_no like ${`%${q}%`}` : sql``;
  const [rows, count] = await Promise.all([
    db.execute<Row>(sql`
      ${SELECT}
      where o.merchant_id = ${merchantId} ${filter}
      order by o.created_at desc, o.id desc
      limit ${ORDERS_PAGE_SIZE} offset ${(page - 1) * ORDERS_PAGE_SIZE}`),
    db.execute<{ n: number }>(sql`select count(*)::bigint as n from orders o where o.merchant_id = ${merchantId} ${filter}`),
  ]);
  return { rows: rows.rows.map(toRow), total: Number(count.rows[0]?.n ?? 0) };
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
  const res = await db.execute<Row & { merchant_id: number; store_name: string; username: string; rebate_fen: number; platform_fee_fen: number }>(sql`
    select x.*, m.id as merchant_id, m.name as store_name, u2.username, o2.rebate_fen, o2.platform_fee_fen
    from (${SELECT} where o.order_no = ${no}) x
    join orders o2 on o2.id = x.id
    join merchants m on m.id = o2.merchant_id
    join users u2 on u2.id = o2.customer_id`);
  const r = res.rows[0];
  if (!r) return null;
  const id = Number(r.id);
  const [entries, refund] = await Promise.all([
    db.execute<{ id: number; position: number; target_fen: number; status: OrderEntry["status"]; settled_at: Date | null }>(sql`
      select id, position, target_fen, status, settled_at from queue_entries where order_id = ${id} and status <> 'moved' order by queue_id, position`),
    db.execute<{
      provider: string;
      status: RefundStatus;
      out_refund_no: string;
      attempt: number;
      provider_ref: string | null;
      failure_reason: string | null;
      last_error: string | null;
      settled_at: Date | null;
      amount_fen: number;
      actor_name: string;
      actor_role: string;
      reason: string | null;
      created_at: Date;
    }>(sql`
      select p.provider, p.status, p.out_refund_no, p.attempt, p.provider_ref, p.failure_reason, p.last_error, p.settled_at,
             p.amount_fen, u.display_name as actor_name, u.role as actor_role, p.reason, p.created_at
      from payment_refunds p join users u on u.id = p.actor_user_id where p.order_id = ${id} and p.returned_payment_ref is null`),
  ]);
  const f = refund.rows[0];
  return {
    ...toRow(r),
    merchantId: Number(r.merchant_id),
    storeName: r.store_name,
    customerUsername: r.username,
    rebateFen: Number(r.rebate_fen),
    platformFeeFen: Number(r.platform_fee_fen),
    entryList: entries.rows.map((e) => ({
      id: Number(e.id),
      position: Number(e.position),
      targetFen: Number(e.target_fen),
      status: e.status,
      settledAt: e.settled_at ? new Date(e.settled_at) : null,
    })),
    refund: f
      ? {
          provider: f.provider,
          status: f.status,
          outRefundNo: f.out_refund_no,
          attempt: Number(f.attempt),
          providerRef: f.provider_ref,
          failureReason: f.failure_reason,
          lastError: f.last_error,
          settledAt: f.settled_at ? new Date(f.settled_at) : null,
          amountFen: Number(f.amount_fen),
          actorName: f.actor_name,
          actorRole: f.actor_role,
          reason: f.reason,
          createdAt: new Date(f.created_at),
        }
      : null,
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
  const res = await db.execute<{
    order_id: number;
    order_no: string;
    store_name: string;
    amount_fen: number;
    status: RefundStatus;
    out_refund_no: string;
    problem: string | null;
    created_at: Date;
  }>(sql`
    select r.order_id, o.order_no, m.name as store_name, r.amount_fen, r.status, r.out_refund_no,
           coalesce(r.failure_reason, r.last_error) as problem, r.created_at
    from payment_refunds r join orders o on o.id = r.order_id join merchants m on m.id = o.merchant_id
    where r.status = 'failed' or (r.status = 'pending' and r.last_error is not null)
    order by r.created_at, r.id limit ${limit}`);
  return res.rows.map((r) => ({
    orderId: Number(r.order_id),
    orderNo: r.order_no,
    storeName: r.store_name,
    amountFen: Number(r.amount_fen),
    status: r.status,
    outRefundNo: r.out_refund_no,
    problem: r.problem,
    createdAt: new Date(r.created_at),
  }));
}
