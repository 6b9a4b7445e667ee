import "server-only";
import { sql } from "drizzle-orm";
import type { Tx } from "@/db";
import { recordAudit } from "@/lib/audit/record";
import { DomainError, isDomainError, type MessageParams } from "@/lib/errors";
import { customerAccounts, platformAccounts, post, type Leg } from "@/lib/ledger";
import { formatFen } from "@/lib/money/format";
import { paymentProvider } from "@/lib/payments";
import { addLot, lockPoints, takeFromLots } from "@/lib/points/lots";
import { pointsPolicy } from "@/lib/points/policy";
import { headTarget, lockQueue } from "@/lib/queue/lock";

/** Who asks for the refund. A merchant may refund only their own store's orders. */
export type RefundActor = { userId: number; role: "merchant" | "operator" };

export type RefundResult = {
  orderId: number;
  orderNo: string;
  queueId: number;
  /** Cash returned through the payment provider. */
  refundedFen: number;
  providerRef: string;
  cancelledEntries: number;
  /** The order's earned points taken back: from locked points first, then from available. */
  pointsFromLocked: number;
  pointsFromAvailable: number;
  /** Points the customer had redeemed on the order, given back as a new available lot. */
  pointsReturned: number;
  /** True when the queue pays out automatically and its pool now covers the (new) head. */
  drainDue: boolean;
};

type OrderRow = {
  id: number;
  order_no: string;
  status: "pending" | "paid" | "refunded";
  customer_id: number;
  merchant_id: number;
  queue_id: number;
  cash_fen: number;
  points_used: number;
  rebate_fen: number;
  platform_fee_fen: number;
  points_earned: number;
  pool_fen: number;
  provider: string;
  provider_ref: string | null;
  payout_mode: "auto" | "manual";
  settlement_id: number | null;
  settlement_balance: number | null;
};

type Order = {
  id: number;
  orderNo: string;
  status: OrderRow["status"];
  customerId: number;
  merchantId: number;
  queueId: number;
  cashFen: number;
  pointsUsed: number;
  rebateFen: number;
  platformFeeFen: number;
  pointsEarned: number;
  poolFen: number;
  provider: string;
  providerRef: string | null;
  payoutMode: "auto" | "manual";
  settlementId: number;
  settlementBalance: number;
};

async function readOrder(tx: Tx, orderId: number, lock: boolean): Promise<Order | null> {
  // `for no key update of o` locks only the order row (taken after the queue lock, see refundOrder).
  const res = await tx.execute<OrderRow>(sql`
    select o.id, o.order_no, o.status, o.customer_id, o.merchant_id, o.queue_id, o.cash_fen, o.points_used,
           o.rebate_fen, o.platform_fee_fen, o.points_earned, o.pool_fen, o.provider, o.provider_ref,
           q.payout_mode, s.id as settlement_id, s.balance as settlement_balance
    from orders o
    join queues q on q.id = o.queue_id
    left join accounts s on s.merchant_id = o.merchant_id and s.kind = 'merchant_settlement'
    where o.id = ${orderId}
    ${lock ? sql`for no key update of o` : sql``}`);
  const r = res.rows[0];
  if (!r) return null;
  if (r.settlement_id === null) throw new Error(`order ${orderId}: merchant has no settlement account`);
  return {
    id: Number(r.id),
    orderNo: r.order_no,
    status: r.status,
    customerId: Number(r.customer_id),
    merchantId: Number(r.merchant_id),
    queueId: Number(r.queue_id),
    cashFen: Number(r.cash_fen),
    pointsUsed: Number(r.points_used),
    rebateFen: Number(r.rebate_fen),
    platformFeeFen: Number(r.platform_fee_fen),
    pointsEarned: Number(r.points_earned),
    poolFen: Number(r.pool_fen),
    provider: r.provider,
    providerRef: r.provider_ref,
    payoutMode: r.payout_mode,
    settlementId: Number(r.settlement_id),
    settlementBalance: Number(r.settlement_balance ?? 0),
  };
}

/** A refusal with its reason, a message code (messages/<locale>/errors.json, `refund.*`). */
const refused = (code: string, params?: MessageParams) => new DomainError("not_allowed", code, undefined, params);

function refuseByStatus(o: Order): void {
  if (o.status === "pending") throw refused("refund.notPaid", { orderNo: o.orderNo });
  if (o.status === "refunded") throw refused("refund.alreadyRefunded", { orderNo: o.orderNo });
}

/** Checks that the actor may refund this order at all; a merchant never learns of other stores' orders. */
async function authorize(tx: Tx, o: Order | null, actor: RefundActor, reason: string | undefined): Promise<Order> {
  const notFound = new DomainError("not_found", "refund.orderNotFound");
  if (actor.role === "merchant") {
    const res = await tx.execute<{ id: number }>(sql`
      select id from merchants where owner_user_id = ${actor.userId} and status = 'approved'`);
    const merchantId = res.rows[0] ? Number(res.rows[0].id) : null;
    if (merchantId === null) throw new DomainError("forbidden", "refund.merchantNotApproved");
    if (!o || o.merchantId !== merchantId) throw notFound;
    return o;
  }
  const res = await tx.execute<{ role: string }>(sql`select role from users where id = ${actor.userId}`);
  if (res.rows[0]?.role !== "operator") throw new DomainError("forbidden", "action.forbidden");
  if (!reason || reason.trim().length === 0) throw new DomainError("invalid_input", "refund.reasonMissing", "reason");
  if (!o) throw notFound;
  return o;
}

/**
 * Refunds a paid order (退款), in one transaction under the queue lock, then the customer's points
 * mutex: cancels its queue entries, reverses every posting of the purchase (kind order_refund),
 * returns the cash through the order's payment provider, marks the order refunded and writes the
 * audit log. Allowed only while every entry of the order is still waiting, the customer still
 * holds the points it earned and the pool still holds its share; otherwise it refuses with the
 * reason (DomainError "not_allowed") and writes nothing.
 */
export async function refundOrder(
  tx: Tx,
  args: { orderId: number; actor: RefundActor; reason?: string },
): Promise<RefundResult> {
  const reason = args.reason?.trim() || undefined;
  // Unlocked read: who may refund, which queue to lock, and the final states (pending orders never
  // take the queue lock here, so this never waits on a payment that is being confirmed).
  const first = await authorize(tx, await readOrder(tx, args.orderId, false), args.actor, reason);
  refuseByStatus(first);

  // Lock order: the queue (pool) first, then the customer's points, then the order row; post()
  // locks the remaining accounts by id. A drain of the same queue waits for us, or we for it.
  const pool = await lockQueue(tx, first.queueId);
  const points = await lockPoints(tx, first.customerId);
  const o = (await readOrder(tx, args.orderId, true))!;
  refuseByStatus(o);

  const entries = await tx.execute<{ status: string; n: number }>(sql`
    select status, count(*)::int as n from queue_entries where order_id = ${o.id} group by status`);
  const count = new Map(entries.rows.map((r) => [r.status, Number(r.n)]));
  const paid = count.get("paid") ?? 0;
  const left = count.get("left") ?? 0;
  const cancelled = count.get("cancelled") ?? 0;
  const waiting = count.get("waiting") ?? 0;
  if (paid > 0) throw refused("refund.entriesPaid", { orderNo: o.orderNo, count: paid });
  if (left > 0) throw refused("refund.entriesLeft", { orderNo: o.orderNo, count: left });
  if (cancelled > 0) throw new Error(`order ${o.id} is paid but has cancelled entries`);

  const held = points.locked + points.available;
  if (held < o.pointsEarned) {
    throw refused("refund.pointsGone", { earned: o.pointsEarned, held });
  }
  if (pool.balanceFen < o.poolFen) {
    throw refused("refund.poolShort", { pool: formatFen(pool.balanceFen), need: formatFen(o.poolFen) });
  }
  const settlementDebit = o.cashFen - o.rebateFen + o.pointsUsed;
  if (o.settlementBalance < settlementDebit) {
    throw refused("refund.settlementShort", { balance: formatFen(o.settlementBalance), need: formatFen(settlementDebit) });
  }

  // Everything is checked: from here on the refund happens.
  const marked = await tx.execute(sql`
    update queue_entries set status = 'cancelled', settled_at = now()
    where order_id = ${o.id} and status = 'waiting'`);
  if (marked.rowCount !== waiting) throw new Error(`refund of order ${o.id} lost the queue lock`);

  const pointsFromLocked = Math.min(points.locked, o.pointsEarned);
  const pointsFromAvailable = o.pointsEarned - pointsFromLocked;
  if (pointsFromAvailable > 0) await takeFromLots(tx, o.customerId, pointsFromAvailable);
  if (o.pointsUsed > 0) {
    await addLot(tx, { userId: o.customerId, points: o.pointsUsed, source: "refund", expiryDays: pointsPolicy().expiryDays });
  }

  const platform = await platformAccounts(tx);
  const customer = await customerAccounts(tx, o.customerId);
  const legs: Leg[] = [
    // The purchase, reversed: the cash goes back out through the payment rails.
    { accountId: platform.world, asset: "CNY", amount: o.cashFen },
    { accountId: o.settlementId, asset: "CNY", amount: -(o.cashFen - o.rebateFen) },
    { accountId: platform.platformFees, asset: "CNY", amount: -o.platformFeeFen },
    { accountId: customer.points_reserve, asset: "CNY", amount: -o.pointsEarned },
    { accountId: pool.poolAccountId, asset: "CNY", amount: -o.poolFen },
    // The earned points are taken back and unissued.
    { accountId: platform.pointsIssued, asset: "PTS", amount: o.pointsEarned },
    { accountId: customer.points_locked, asset: "PTS", amount: -pointsFromLocked },
    { accountId: customer.points_available, asset: "PTS", amount: -pointsFromAvailable },
  ];
  if (o.pointsUsed > 0) {
    // Redeemed points come back: issued again, backed again by the reserve, paid by the merchant.
    legs.push(
      { accountId: customer.points_available, asset: "PTS", amount: o.pointsUsed },
      { accountId: platform.pointsIssued, asset: "PTS", amount: -o.pointsUsed },
      { accountId: customer.points_reserve, asset: "CNY", amount: o.pointsUsed },
      { accountId: o.settlementId, asset: "CNY", amount: -o.pointsUsed },
    );
  }
  try {
    await post(tx, {
      kind: "order_refund",
      orderId: o.id,
      queueId: o.queueId,
      actorUserId: args.actor.userId,
      reason: reason ?? "退款",
      legs,
    });
  } catch (e) {
    // The checks above read every guarded balance under its lock except the merchant's settlement.
    if (isDomainError(e) && e.code === "insufficient_funds") throw refused("refund.insufficient");
    throw e;
  }

  const done = await tx.execute(sql`
    update orders set status = 'refunded', refunded_at = now() where id = ${o.id} and status = 'paid'`);
  if (done.rowCount !== 1) throw new Error(`order ${o.id} changed under its row lock`);

  const receipt = await paymentProvider(o.provider).refund(tx, {
    orderId: o.id,
    orderNo: o.orderNo,
    paymentRef: o.providerRef,
    amountFen: o.cashFen,
    actorUserId: args.actor.userId,
    reason,
  });

  const result: Omit<RefundResult, "drainDue"> = {
    orderId: o.id,
    orderNo: o.orderNo,
    queueId: o.queueId,
    refundedFen: o.cashFen,
    providerRef: receipt.providerRef,
    cancelledEntries: waiting,
    pointsFromLocked,
    pointsFromAvailable,
    pointsReturned: o.pointsUsed,
  };
  await recordAudit(tx, {
    actorUserId: args.actor.userId,
    action: "order.refund",
    subjectType: "order",
    subjectId: o.orderNo,
    reason,
    details: { ...result, role: args.actor.role, merchantId: o.merchantId, customerId: o.customerId },
  });

  // Cancelling the head can uncover a smaller entry behind it that the pool already covers.
  const head = o.payoutMode === "auto" ? await headTarget(tx, o.queueId) : null;
  return { ...result, drainDue: head !== null && pool.balanceFen - o.poolFen >= head };
}
