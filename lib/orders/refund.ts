import "server-only";
import { and, count, eq, inArray, or, sql } from "drizzle-orm";
import type { Tx } from "@/db";
import { mapFirst } from "@/db/rows";
import { accounts, merchants, orders, orderStatus, paymentRefunds, payoutMode, queueEntries } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { DomainError, type MessageParams } from "@/lib/errors";
import { requireOperator } from "@/lib/roles";
import { addJob } from "@/lib/jobs";
import { customerAccounts, platformAccounts, post, refundsPendingAccount, type Leg } from "@/lib/ledger";
import { addLot, lockPoints, takeFromLots } from "@/lib/points/lots";
import { pointsPolicy } from "@/lib/points/policy";
import { headTarget, lockQueue, type LockedPool } from "@/lib/queue/lock";
import { EntryMovedError } from "@/lib/queue/move";
import { purchaseAccountsOf, purchaseLegs, purchaseSharesOf, reverseLegs } from "./purchase-legs";

/** Who asks for the refund. A merchant may refund only their own store's orders. */
export type RefundActor = { userId: number; role: "merchant" | "operator" };

export type RefundResult = {
  orderId: number;
  orderNo: string;
  queueId: number;
  /** Cash owed back to the customer through the order's payment provider. */
  refundedFen: number;
  /** The id the provider deduplicates the refund by. */
  outRefundNo: string;
  /** `pending` until the provider confirms (a job asks it after commit); `succeeded` when no cash was paid. */
  refundStatus: "pending" | "succeeded";
  /** What the merchant's settlement covered because the pool no longer held the order's pool share. */
  shortfallFen: number;
  cancelledEntries: number;
  /** The order's earned points taken back: from locked points first, then from available. */
  pointsFromLocked: number;
  pointsFromAvailable: number;
  /** Points the customer had redeemed on the order, given back as a new available lot. */
  pointsReturned: number;
  /** True when the queue pays out automatically and its pool now covers the (new) head. */
  drainDue: boolean;
};

type Order = {
  id: number;
  orderNo: string;
  status: (typeof orderStatus.enumValues)[number];
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
};

async function readOrder(tx: Tx, orderId: number, lock: boolean): Promise<Order | null> {
  // `for no key update of o` locks only the order row (taken after the queue lock, see refundOrder).
  const res = await tx.execute(sql`
    select o.id, o.order_no, o.status, o.customer_id, o.merchant_id, o.queue_id, o.cash_fen, o.points_used,
           o.rebate_fen, o.platform_fee_fen, o.points_earned, o.pool_fen, o.provider, o.provider_ref,
           q.payout_mode, s.id as settlement_id
    from orders o
    join queues q on q.id = o.queue_id
    left join accounts s on s.merchant_id = o.merchant_id and s.kind = 'merchant_settlement'
    where o.id = ${orderId}
    ${lock ? sql`for no key update of o` : sql``}`);
  return (
    mapFirst(res, (r) => {
      const settlementId = r.intOrNull("settlement_id");
      if (settlementId === null) throw new Error(`order ${orderId}: merchant has no settlement account`);
      return {
        id: r.int("id"),
        orderNo: r.str("order_no"),
        status: r.oneOf("status", orderStatus.enumValues),
        customerId: r.int("customer_id"),
        merchantId: r.int("merchant_id"),
        queueId: r.int("queue_id"),
        ...purchaseSharesOf(r),
        provider: r.str("provider"),
        providerRef: r.strOrNull("provider_ref"),
        payoutMode: r.oneOf("payout_mode", payoutMode.enumValues),
        settlementId,
      };
    }) ?? null
  );
}

/** A refusal with its reason, a message code (messages/<locale>/errors.json, `refund.*`). */
const refused = (code: string, params?: MessageParams) => new DomainError("not_allowed", code, undefined, params);

function refuseByStatus(o: Order): void {
  if (o.status === "refunded") throw refused("refund.alreadyRefunded", { orderNo: o.orderNo });
  // Pending, expired and cancelled orders took no money: there is nothing to give back.
  if (o.status !== "paid") throw refused("refund.notPaid", { orderNo: o.orderNo });
}

/** Checks that the actor may refund this order at all; a merchant never learns of other stores' orders. */
async function authorize(tx: Tx, o: Order | null, actor: RefundActor, reason: string | undefined, needReason = true): Promise<Order> {
  const notFound = new DomainError("not_found", "refund.orderNotFound");
  if (actor.role === "merchant") {
    const [own] = await tx
      .select({ id: merchants.id })
      .from(merchants)
      .where(and(eq(merchants.ownerUserId, actor.userId), eq(merchants.status, "approved")));
    const merchantId = own?.id ?? null;
    if (merchantId === null) throw new DomainError("forbidden", "refund.merchantNotApproved");
    if (!o || o.merchantId !== merchantId) throw notFound;
    return o;
  }
  await requireOperator(tx, actor.userId);
  if (needReason && (!reason || reason.trim().length === 0)) throw new DomainError("invalid_input", "refund.reasonMissing", "reason");
  if (!o) throw notFound;
  return o;
}

/**
 * Refunds a paid order (退款), in one transaction under the queue lock, then the customer's points
 * mutex: cancels its queue entries, reverses every posting of the purchase (kind order_refund; when
 * the pool no longer holds the order's pool share, the merchant's settlement first tops it up, kind
 * refund_shortfall), marks the order refunded, records the provider refund as pending with its
 * stable out-id and adds the job that asks the provider for it after commit (never from inside this
 * transaction), and writes the audit log. Allowed only while every entry of the order is still
 * waiting and the customer still holds the points it earned; otherwise it refuses with the reason
 * (DomainError "not_allowed") and writes nothing.
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
  // An alliance hand-over moved the order's entries, and its queue, while we waited for the lock
  // (lib/queue/move.ts): run again, locking the queue that holds them now.
  if (o.queueId !== first.queueId) throw new EntryMovedError(`order ${o.id}`, first.queueId, o.queueId);
  refuseByStatus(o);
  const waiting = await refuseUnlessAllWaiting(tx, o);
  const held = points.locked + points.available;
  if (held < o.pointsEarned) throw refused("refund.pointsGone", { earned: o.pointsEarned, held });

  // Everything is checked: from here on the refund happens.
  await cancelEntries(tx, o, waiting);
  const taken = await takeBackPoints(tx, o, points);
  const shortfallFen = await postRefund(tx, o, pool, taken, args.actor.userId, reason);
  await markRefunded(tx, o);
  const providerRefund = await recordProviderRefund(tx, o, args.actor.userId, reason);

  const result: Omit<RefundResult, "drainDue"> = {
    orderId: o.id,
    orderNo: o.orderNo,
    queueId: o.queueId,
    refundedFen: o.cashFen,
    ...providerRefund,
    shortfallFen,
    cancelledEntries: waiting,
    pointsFromLocked: taken.fromLocked,
    pointsFromAvailable: taken.fromAvailable,
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

  const drainDue = await drainIfDue(tx, o, pool.balanceFen + shortfallFen - o.poolFen);
  return { ...result, drainDue };
}

/** What a refund of an order would do, read before asking the merchant to confirm it. */
export type RefundPreview = {
  orderNo: string;
  cashFen: number;
  /** Waiting entries the refund cancels. */
  entries: number;
  pointsEarned: number;
  pointsUsed: number;
  poolFen: number;
  /** What the store's settlement would cover because the pool holds less than the order's pool share. */
  shortfallFen: number;
  /** The payment provider the cash goes back through. */
  provider: string;
};

/**
 * The refund's checks without its locks or writes: refuses with the same reason refundOrder would
 * give now (not paid, already refunded, an entry freed or left, the earned points spent), or says
 * exactly what the refund would do. The refund itself checks again under its locks, so a change
 * in between is still refused with its reason.
 */
export async function checkRefund(tx: Tx, args: { orderId: number; actor: RefundActor }): Promise<RefundPreview> {
  const o = await authorize(tx, await readOrder(tx, args.orderId, false), args.actor, undefined, false);
  refuseByStatus(o);
  const entries = await refuseUnlessAllWaiting(tx, o);
  const balances = await tx
    .select({ kind: accounts.kind, balance: accounts.balance })
    .from(accounts)
    .where(
      or(
        and(eq(accounts.userId, o.customerId), inArray(accounts.kind, ["points_locked", "points_available"])),
        and(eq(accounts.queueId, o.queueId), eq(accounts.kind, "pool")),
      ),
    );
  const by = new Map(balances.map((r) => [r.kind, r.balance]));
  const held = (by.get("points_locked") ?? 0) + (by.get("points_available") ?? 0);
  if (held < o.pointsEarned) throw refused("refund.pointsGone", { earned: o.pointsEarned, held });
  const pool = by.get("pool") ?? 0;
  return {
    orderNo: o.orderNo,
    cashFen: o.cashFen,
    entries,
    pointsEarned: o.pointsEarned,
    pointsUsed: o.pointsUsed,
    poolFen: o.poolFen,
    shortfallFen: Math.max(0, o.poolFen - pool),
    provider: o.provider,
  };
}

/** Cancels the order's waiting entries: all of them, as counted under the queue lock. */
async function cancelEntries(tx: Tx, o: Order, waiting: number): Promise<void> {
  const marked = await tx
    .update(queueEntries)
    .set({ status: "cancelled", settledAt: sql`now()` })
    .where(and(eq(queueEntries.orderId, o.id), eq(queueEntries.status, "waiting")));
  if (marked.rowCount !== waiting) throw new Error(`refund of order ${o.id} lost the queue lock`);
}

async function markRefunded(tx: Tx, o: Order): Promise<void> {
  const done = await tx
    .update(orders)
    .set({ status: "refunded", refundedAt: sql`now()` })
    .where(and(eq(orders.id, o.id), eq(orders.status, "paid")));
  if (done.rowCount !== 1) throw new Error(`order ${o.id} changed under its row lock`);
}

/**
 * Cancelling the head can uncover a smaller entry behind it that the pool already covers: an auto
 * queue then gets a drain job. Returns whether one was added.
 */
async function drainIfDue(tx: Tx, o: Order, poolAfterFen: number): Promise<boolean> {
  const head = o.payoutMode === "auto" ? await headTarget(tx, o.queueId) : null;
  const due = head !== null && poolAfterFen >= head;
  if (due) await addJob(tx, "queue.drain", { queueId: o.queueId });
  return due;
}

/** Refuses unless every entry of the order still waits; returns how many wait. */
async function refuseUnlessAllWaiting(tx: Tx, o: Order): Promise<number> {
  const entries = await tx
    .select({ status: queueEntries.status, n: count() })
    .from(queueEntries)
    .where(eq(queueEntries.orderId, o.id))
    .groupBy(queueEntries.status);
  const byStatus = new Map(entries.map((r) => [r.status, r.n]));
  const paid = byStatus.get("paid") ?? 0;
  const left = byStatus.get("left") ?? 0;
  if (paid > 0) throw refused("refund.entriesPaid", { orderNo: o.orderNo, count: paid });
  if (left > 0) throw refused("refund.entriesLeft", { orderNo: o.orderNo, count: left });
  if ((byStatus.get("cancelled") ?? 0) > 0) throw new Error(`order ${o.id} is paid but has cancelled entries`);
  return byStatus.get("waiting") ?? 0;
}

type TakenPoints = { fromLocked: number; fromAvailable: number };

/** Takes the earned points back (locked first, then available, oldest lots first) and returns redeemed ones as a new lot. */
async function takeBackPoints(tx: Tx, o: Order, points: { locked: number; available: number }): Promise<TakenPoints> {
  const fromLocked = Math.min(points.locked, o.pointsEarned);
  const fromAvailable = o.pointsEarned - fromLocked;
  if (fromAvailable > 0) await takeFromLots(tx, o.customerId, fromAvailable);
  if (o.pointsUsed > 0) {
    await addLot(tx, { userId: o.customerId, points: o.pointsUsed, source: "refund", expiryDays: pointsPolicy().expiryDays });
  }
  return { fromLocked, fromAvailable };
}

/**
 * Posts the refund. The pool returns what it holds of the order's pool share; when it holds less
 * (the share already freed earlier orders), the merchant's settlement tops the pool up by the
 * difference first (refund_shortfall), so the reversal is always the purchase's exact reverse and
 * the customer always gets the whole cash back. The settlement may go negative only this way: the
 * store then owes the platform, and its next orders' settlements repay it. The cash goes to the
 * customer's refunds_pending account, where it waits for the provider (refund_sent moves it out).
 * Returns the shortfall.
 */
async function postRefund(tx: Tx, o: Order, pool: LockedPool, taken: TakenPoints, actorUserId: number, reason: string | undefined): Promise<number> {
  const platform = await platformAccounts(tx);
  const customer = await customerAccounts(tx, o.customerId);
  const owed = o.cashFen > 0 ? await refundsPendingAccount(tx, o.customerId) : platform.world;
  const common = { orderId: o.id, queueId: o.queueId, actorUserId, reason: reason ?? "退款" };

  const shortfallFen = Math.max(0, o.poolFen - pool.balanceFen);
  if (shortfallFen > 0) {
    await post(tx, {
      kind: "refund_shortfall",
      ...common,
      legs: [
        { accountId: o.settlementId, asset: "CNY", amount: -shortfallFen },
        { accountId: pool.poolAccountId, asset: "CNY", amount: shortfallFen },
      ],
    });
  }

  const purchase = purchaseLegs(o, purchaseAccountsOf({ cashSource: owed, settlement: o.settlementId, pool: pool.poolAccountId }, customer, platform));
  const legs: Leg[] = [
    ...reverseLegs(purchase),
    // The earned points the customer already released come from available instead of locked.
    { accountId: customer.points_locked, asset: "PTS", amount: taken.fromAvailable },
    { accountId: customer.points_available, asset: "PTS", amount: -taken.fromAvailable },
  ];
  await post(tx, { kind: "order_refund", ...common, legs });
  return shortfallFen;
}

/** The provider refund's stable out-id: `RF`, the order number and the attempt (at most 32 of [A-Za-z0-9_]). */
export function outRefundNo(orderNo: string, attempt: number): string {
  return `RF${orderNo}${String(attempt).padStart(2, "0")}`;
}

/** The out-id of a refund's next attempt: every refund's out-id ends in its two-digit attempt. */
export function nextAttempt(outRefundNoValue: string, attempt: number): string {
  return `${outRefundNoValue.slice(0, -2)}${String(attempt).padStart(2, "0")}`;
}

/**
 * Records the provider refund with its out-id, pending, and adds the job that asks the provider for
 * it once this transaction commits. An order paid entirely with points has no cash to return: its
 * refund is settled at once and no provider is called.
 */
async function recordProviderRefund(
  tx: Tx,
  o: Order,
  actorUserId: number,
  reason: string | undefined,
): Promise<{ outRefundNo: string; refundStatus: "pending" | "succeeded" }> {
  const no = outRefundNo(o.orderNo, 1);
  const noCash = o.cashFen === 0;
  const [row] = await tx
    .insert(paymentRefunds)
    .values({
      orderId: o.id,
      provider: o.provider,
      outRefundNo: no,
      amountFen: o.cashFen,
      actorUserId,
      reason: reason ?? null,
      status: noCash ? "succeeded" : "pending",
      settledAt: noCash ? new Date() : null,
    })
    .returning({ id: paymentRefunds.id });
  if (noCash) return { outRefundNo: no, refundStatus: "succeeded" };
  await addJob(tx, "refund.send", { refundId: row!.id, outRefundNo: no });
  return { outRefundNo: no, refundStatus: "pending" };
}
