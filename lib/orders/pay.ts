import "server-only";
import { and, eq, sql, type SQL } from "drizzle-orm";
import type { Tx } from "@/db";
import { runComposed } from "@/db/prepared";
import { mapFirst } from "@/db/rows";
import { orders, orderStatus } from "@/db/schema";
import { DomainError, isDomainError } from "@/lib/errors";
import { addJob } from "@/lib/jobs";
import {
  customerAccounts,
  platformAccounts,
  postWith,
  settlementAccount,
  type CustomerAccounts,
} from "@/lib/ledger";
import { lockPoints, takeFromLots } from "@/lib/points/lots";
import { appendEntries, type PlacedEntry } from "@/lib/queue/join";
import { lockQueue } from "@/lib/queue/lock";
import { queueUnits } from "@/lib/rules/units";
import { purchaseAccountsOf, purchaseLegs, purchaseSharesOf } from "./purchase-legs";
import { alreadyReturned, returnPayment, type ReturnCause } from "./returned-payment";

export type PaidOrder = {
  orderId: number;
  orderNo: string;
  queueId: number;
  /** False when this confirmation was a retry of one already applied: nothing was posted. */
  applied: boolean;
  /** True when the queue pays out automatically and its pool now covers the head. */
  drainDue: boolean;
  /** Set when this payment did not pay the order and is being refunded in full instead. */
  returned?: ReturnCause;
};

/** What applying a payment needs to know of the order, all fixed when it was created. */
export type PayableOrder = {
  id: number;
  orderNo: string;
  customerId: number;
  merchantId: number;
  queueId: number;
  ruleVersionId: number;
  cashFen: number;
  pointsUsed: number;
  rebateFen: number;
  platformFeeFen: number;
  pointsEarned: number;
  poolFen: number;
};

/** The order's rule version, as far as its queue units go. */
export type UnitRule = { freeBps: number; unitCapFen: number; minOrderFen: number };

/**
 * Applies a confirmed payment, once (I7). In one transaction: marks the order paid, posts the
 * purchase (merchant settlement, platform fee, points reserve, pool, and any points redeemed),
 * credits the customer's locked points, and appends the order's queue units under the queue lock.
 */
export async function markOrderPaid(
  tx: Tx,
  args: { orderNo: string; amountFen: number; providerRef: string; provider?: string },
): Promise<PaidOrder> {
  // The conditional update is the once-only guard: a concurrent or repeated confirmation waits on
  // the row, then finds it no longer pending and posts nothing. An order that redeemed points is
  // left to paymentNotApplied, which pays it only if the points are still there (they may have been
  // spent elsewhere since checkout), under its row lock.
  // A closed order of a deleted account is left to it too (its payment is returned): a pending one
  // cannot be, since deletion is refused while an order awaits payment.
  const row = await markPaid(
    tx,
    args,
    sql`points_used = 0 and (status = 'pending' or (status in ('expired', 'cancelled')
          and not exists (select 1 from users u where u.id = orders.customer_id and u.deleted_at is not null)))`,
  );
  if (!row) return paymentNotApplied(tx, args);
  return (await applyPayment(tx, row.order, row.rule)).result;
}

/**
 * Marks the order paid when `payable` (a condition on its row) holds, and reads what applying the
 * payment needs. The order joins the queue its store feeds now (an alliance may have formed since
 * checkout); appendEntries checks that again under the queue lock. The same statement reads the rule
 * version's unit settings.
 */
async function markPaid(
  tx: Tx,
  args: { orderNo: string; amountFen: number; providerRef: string; provider?: string },
  payable: SQL,
): Promise<{ order: PayableOrder; rule: UnitRule } | null> {
  // Named by its text (db/prepared.ts): two shapes (the fast path's guard and the savepoint's).
  const res = await runComposed(tx, "mark_paid", sql`
    with o as (
      update orders set status = 'paid', paid_at = now(), provider_ref = ${args.providerRef},
                        provider = coalesce(${args.provider ?? null}::text, orders.provider),
                        queue_id = coalesce((select m.queue_id from merchants m where m.id = orders.merchant_id), orders.queue_id)
      where order_no = ${args.orderNo} and ${payable} and cash_fen = ${args.amountFen}
      returning id, customer_id, merchant_id, queue_id, rule_version_id, cash_fen, points_used,
                rebate_fen, platform_fee_fen, points_earned, pool_fen
    )
    select o.*, r.free_bps, r.unit_cap_fen, r.min_order_fen
    from o join rule_versions r on r.id = o.rule_version_id`);
  return (
    mapFirst(res, (r) => ({
      order: {
        id: r.int("id"),
        orderNo: args.orderNo,
        customerId: r.int("customer_id"),
        merchantId: r.int("merchant_id"),
        queueId: r.int("queue_id"),
        ruleVersionId: r.int("rule_version_id"),
        ...purchaseSharesOf(r),
      },
      rule: { freeBps: r.int("free_bps"), unitCapFen: r.int("unit_cap_fen"), minOrderFen: r.int("min_order_fen") },
    })) ?? null
  );
}

/** What a caller that knows more than the order may add to applyPayment. */
export type PaymentExtras = {
  /** The customer's account ids, when the caller has read them already (saves the lookup). */
  customerAccounts?: CustomerAccounts;
  /**
   * A CTE for the statement that posts the payment and appends its entries, given the name of the
   * CTE of the placed entries `(id, position, target_fen, place)`: the POS stores its idempotent
   * answer this way, under the queue lock at no extra round trip.
   */
  alsoWith?: (placed: SQL) => SQL;
};

/**
 * The postings and queue entries of a payment, for an order already marked paid in this
 * transaction. Account ids are read (or taken from the process cache) before the queue lock; under
 * it: the lock, the kept-balance locks, and one statement that posts and appends (postWith with the
 * queue's append as its tail).
 */
export async function applyPayment(
  tx: Tx,
  order: PayableOrder,
  rule: UnitRule,
  extras: PaymentExtras = {},
): Promise<{ result: PaidOrder; entries: PlacedEntry[] }> {
  const platform = await platformAccounts(tx);
  const customer = extras.customerAccounts ?? (await customerAccounts(tx, order.customerId));
  const settlement = await settlementAccount(tx, order.merchantId);

  const pool = await lockQueue(tx, order.queueId);
  if (order.pointsUsed > 0) {
    // Redeemed points are spent from the oldest lots, under the customer's points mutex. If they
    // were spent elsewhere since checkout, the payment is refused and nothing is posted.
    await lockPoints(tx, order.customerId);
    await takeFromLots(tx, order.customerId, order.pointsUsed);
  }

  const legs = purchaseLegs(order, purchaseAccountsOf({ cashSource: platform.world, settlement, pool: pool.poolAccountId }, customer, platform));
  const append = appendEntries({
    queueId: order.queueId,
    orderId: order.id,
    customerId: order.customerId,
    merchantId: order.merchantId,
    ruleVersionId: order.ruleVersionId,
    unitsFen: queueUnits(order.cashFen, rule),
  });
  const also = extras.alsoWith?.(append.placed);
  const appended = await postWith(
    tx,
    { kind: "order_paid", orderId: order.id, queueId: order.queueId, legs },
    also ? { ...append, ctes: sql`${append.ctes}, ${also}` } : append,
  );

  const poolAfter = pool.balanceFen + order.poolFen;
  const drainDue = appended.payoutMode === "auto" && appended.headTargetFen !== null && poolAfter >= appended.headTargetFen;
  // In this transaction: the drain exists exactly when the payment does (lib/jobs, queue.drain).
  if (drainDue) await addJob(tx, "queue.drain", { queueId: order.queueId });
  return {
    result: {
      orderId: order.id,
      orderNo: order.orderNo,
      queueId: order.queueId,
      applied: true,
      drainDue,
    },
    entries: appended.entries,
  };
}

/**
 * A confirmed payment that the fast path did not apply, decided under the order's row lock. The same
 * payment again (the order's own, or one already returned) changes nothing. Another payment of an
 * order already paid or refunded is returned in full (SPEC: money the provider took is never kept
 * twice). A late payment for a closed order that redeemed points pays it when the points are still
 * there; when they are gone it is returned in full and the order stays closed, with the reason. A
 * pending order that redeemed points comes here too: paid when the points are there, else closed as
 * expired and its payment returned the same way.
 */
async function paymentNotApplied(tx: Tx, args: { orderNo: string; amountFen: number; providerRef: string; provider?: string }): Promise<PaidOrder> {
  const res = await tx.execute(sql`
    select o.id, o.queue_id, o.customer_id, o.status, o.cash_fen, o.provider, o.provider_ref, u.deleted_at is not null as deleted
    from orders o join users u on u.id = o.customer_id where o.order_no = ${args.orderNo}
    for no key update of o`);
  const o = mapFirst(res, (r) => ({
    id: r.int("id"),
    queueId: r.int("queue_id"),
    customerId: r.int("customer_id"),
    status: r.oneOf("status", orderStatus.enumValues),
    cashFen: r.int("cash_fen"),
    provider: r.str("provider"),
    providerRef: r.strOrNull("provider_ref"),
    deleted: r.bool("deleted"),
  }));
  if (!o) throw new DomainError("not_found", "order.notFoundNo", undefined, { orderNo: args.orderNo });
  if (o.cashFen !== args.amountFen) {
    throw new DomainError("conflict", "order.amountMismatch", undefined, { orderNo: args.orderNo });
  }
  const provider = args.provider ?? o.provider;
  const order = { id: o.id, orderNo: args.orderNo, customerId: o.customerId, queueId: o.queueId };
  const notApplied: PaidOrder = { orderId: order.id, orderNo: args.orderNo, queueId: order.queueId, applied: false, drainDue: false };
  if (await alreadyReturned(tx, provider, args.providerRef)) return notApplied;
  const payment = { provider, providerRef: args.providerRef, amountFen: args.amountFen };

  if (o.status === "paid" || o.status === "refunded") {
    if (o.provider === provider && o.providerRef === args.providerRef) return notApplied;
    await returnPayment(tx, order, { ...payment, cause: "duplicate" });
    return { ...notApplied, returned: "duplicate" };
  }
  if (o.deleted) {
    await returnPayment(tx, order, { ...payment, cause: "account_deleted" });
    return { ...notApplied, returned: "account_deleted" };
  }
  // Pending, or closed with redeemed points: a savepoint, so points spent elsewhere roll back only
  // the attempt to pay, and the payment is returned instead.
  try {
    return await tx.transaction(async (sp) => {
      const row = await markPaid(sp, args, sql`status in ('pending', 'expired', 'cancelled')`);
      if (!row) throw new Error(`order ${args.orderNo} changed under its row lock`);
      return (await applyPayment(sp, row.order, row.rule)).result;
    });
  } catch (e) {
    if (!isDomainError(e) || e.code !== "insufficient_funds") throw e;
    // The provider took money this order can no longer be paid with: refusing it would leave it
    // unrecorded while the provider retries for a day. A pending order is closed as expired (it can
    // never be paid now), exactly as a late payment finds an expired one.
    if (o.status === "pending") {
      await tx
        .update(orders)
        .set({ status: "expired", closedAt: sql`now()` })
        .where(and(eq(orders.id, order.id), eq(orders.status, "pending")));
    }
    await returnPayment(tx, order, { ...payment, cause: "points_gone" });
    return { ...notApplied, returned: "points_gone" };
  }
}
