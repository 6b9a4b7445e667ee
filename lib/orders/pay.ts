import { sql } from "drizzle-orm";
import type { Tx } from "@/db";
import type { Order } from "@/db/schema";
import { DomainError } from "@/lib/errors";
import { customerAccounts, platformAccounts, post, type Leg } from "@/lib/ledger";
import { lockPoints, takeFromLots } from "@/lib/points/lots";
import { appendEntries, type NewEntry } from "@/lib/queue/join";
import { headTarget, lockQueue } from "@/lib/queue/lock";
import { queueUnits } from "@/lib/rules/units";

export type PaidOrder = {
  orderId: number;
  orderNo: string;
  queueId: number;
  /** False when this confirmation was a retry of one already applied: nothing was posted. */
  applied: boolean;
  /** True when the queue pays out automatically and its pool now covers the head. */
  drainDue: boolean;
};

type OrderRow = Order & { payout_mode: "auto" | "manual" };

/**
 * Applies a confirmed payment, once (I7). In one transaction: marks the order paid, posts the
 * purchase (merchant settlement, platform fee, points reserve, pool, and any points redeemed),
 * credits the customer's locked points, and appends the order's queue units under the queue lock.
 */
export async function markOrderPaid(
  tx: Tx,
  args: { orderNo: string; amountFen: number; providerRef: string },
): Promise<PaidOrder> {
  // The conditional update is the once-only guard: a concurrent or repeated confirmation waits on
  // the row, then finds it no longer pending and posts nothing.
  const updated = await tx.execute<Record<string, unknown>>(sql`
    update orders set status = 'paid', paid_at = now(), provider_ref = ${args.providerRef}
    where order_no = ${args.orderNo} and status = 'pending' and cash_fen = ${args.amountFen}
    returning id, customer_id, merchant_id, queue_id, rule_version_id, cash_fen, points_used,
              rebate_fen, platform_fee_fen, points_earned, pool_fen`);
  const row = updated.rows[0];
  if (!row) return alreadyPaid(tx, args);

  const order = {
    id: Number(row.id),
    customerId: Number(row.customer_id),
    merchantId: Number(row.merchant_id),
    queueId: Number(row.queue_id),
    ruleVersionId: Number(row.rule_version_id),
    cashFen: Number(row.cash_fen),
    pointsUsed: Number(row.points_used),
    rebateFen: Number(row.rebate_fen),
    platformFeeFen: Number(row.platform_fee_fen),
    pointsEarned: Number(row.points_earned),
    poolFen: Number(row.pool_fen),
  };

  const pool = await lockQueue(tx, order.queueId);
  if (order.pointsUsed > 0) {
    // Redeemed points are spent from the oldest lots, under the customer's points mutex. If they
    // were spent elsewhere since checkout, the payment is refused and nothing is posted.
    await lockPoints(tx, order.customerId);
    await takeFromLots(tx, order.customerId, order.pointsUsed);
  }
  const rule = await tx.execute<{ free_bps: number; unit_cap_fen: number; min_order_fen: number; payout_mode: "auto" | "manual"; settlement: number }>(sql`
    select r.free_bps, r.unit_cap_fen, r.min_order_fen, q.payout_mode,
           (select id from accounts where merchant_id = ${order.merchantId} and kind = 'merchant_settlement') as settlement
    from rule_versions r, queues q
    where r.id = ${order.ruleVersionId} and q.id = ${order.queueId}`);
  const r = rule.rows[0];
  if (!r || r.settlement === null) throw new Error(`order ${order.id}: rule or settlement account missing`);
  const platform = await platformAccounts(tx);
  const customer = await customerAccounts(tx, order.customerId);

  const legs: Leg[] = [
    // Cash in from the payment rails, shared out.
    { accountId: platform.world, asset: "CNY", amount: -order.cashFen },
    { accountId: Number(r.settlement), asset: "CNY", amount: order.cashFen - order.rebateFen },
    { accountId: platform.platformFees, asset: "CNY", amount: order.platformFeeFen },
    { accountId: customer.points_reserve, asset: "CNY", amount: order.pointsEarned },
    { accountId: pool.poolAccountId, asset: "CNY", amount: order.poolFen },
    // Points issued against the reserve, locked until released.
    { accountId: platform.pointsIssued, asset: "PTS", amount: -order.pointsEarned },
    { accountId: customer.points_locked, asset: "PTS", amount: order.pointsEarned },
  ];
  if (order.pointsUsed > 0) {
    // Redeemed points are burned, and the reserve pays the merchant their value.
    legs.push(
      { accountId: customer.points_available, asset: "PTS", amount: -order.pointsUsed },
      { accountId: platform.pointsIssued, asset: "PTS", amount: order.pointsUsed },
      { accountId: customer.points_reserve, asset: "CNY", amount: -order.pointsUsed },
      { accountId: Number(r.settlement), asset: "CNY", amount: order.pointsUsed },
    );
  }
  await post(tx, { kind: "order_paid", orderId: order.id, queueId: order.queueId, legs });

  const units = queueUnits(order.cashFen, {
    freeBps: Number(r.free_bps),
    unitCapFen: Number(r.unit_cap_fen),
    minOrderFen: Number(r.min_order_fen),
  });
  const entries: NewEntry[] = await appendEntries(tx, {
    queueId: order.queueId,
    orderId: order.id,
    customerId: order.customerId,
    merchantId: order.merchantId,
    ruleVersionId: order.ruleVersionId,
    unitsFen: units,
  });

  const poolAfter = pool.balanceFen + order.poolFen;
  const head = r.payout_mode === "auto" ? await headTarget(tx, order.queueId) : null;
  return {
    orderId: order.id,
    orderNo: args.orderNo,
    queueId: order.queueId,
    applied: true,
    drainDue: head !== null && poolAfter >= head,
  };
}

async function alreadyPaid(tx: Tx, args: { orderNo: string; amountFen: number }): Promise<PaidOrder> {
  const res = await tx.execute<{ id: number; queue_id: number; status: string; cash_fen: number }>(sql`
    select id, queue_id, status, cash_fen from orders where order_no = ${args.orderNo}`);
  const o = res.rows[0];
  if (!o) throw new DomainError("not_found", `订单不存在 / order ${args.orderNo} not found`);
  if (Number(o.cash_fen) !== args.amountFen) {
    throw new DomainError("conflict", `支付金额与订单不符 / paid amount does not match order ${args.orderNo}`);
  }
  return { orderId: Number(o.id), orderNo: args.orderNo, queueId: Number(o.queue_id), applied: false, drainDue: false };
}
