import "server-only";
import { and, count, eq, isNotNull } from "drizzle-orm";
import type { Tx } from "@/db";
import { paymentRefunds } from "@/db/schema";
import { addJob } from "@/lib/jobs";
import { platformAccounts, post, refundsPendingAccount } from "@/lib/ledger";
import { log } from "@/lib/observability/log";

/**
 * Why a provider payment did not pay its order, a code the customer reads (orders.returnCause.*):
 * `duplicate` when the order was already paid by another payment (the customer paid a second
 * provider's page, or the same provider twice), `points_gone` when a late payment reached an expired
 * or cancelled order whose redeemed points were spent since, so it could not be paid in full,
 * `account_deleted` when it reached a closed order of an account deleted since (its entry would
 * wait, and any payout land, under an owner nobody can sign in as).
 */
export const RETURN_CAUSES = ["duplicate", "points_gone", "account_deleted"] as const;
export type ReturnCause = (typeof RETURN_CAUSES)[number];

/** The order a returned payment belongs to, as the caller read it under the order's row lock. */
export type ReturnedOrder = { id: number; orderNo: string; customerId: number; queueId: number };

/** A returned payment's stable out-id: `RT`, the order number, the return's number, the attempt (at most 32 of [A-Za-z0-9_]). */
export function returnOutRefundNo(orderNo: string, seq: number, attempt: number): string {
  return `RT${orderNo}${String(seq).padStart(2, "0")}${String(attempt).padStart(2, "0")}`;
}

/**
 * Whether this provider payment was already returned: a repeated notification of it (or the
 * browser's query finding it) then changes nothing.
 */
export async function alreadyReturned(tx: Tx, provider: string, providerRef: string): Promise<boolean> {
  const rows = await tx
    .select({ id: paymentRefunds.id })
    .from(paymentRefunds)
    .where(and(eq(paymentRefunds.provider, provider), eq(paymentRefunds.returnedPaymentRef, providerRef)))
    .limit(1);
  return rows.length > 0;
}

/**
 * Records a provider payment that did not pay its order, and gives it back in full, in the caller's
 * transaction (the order's row is locked by the caller, which numbers the returns safely). The cash
 * came in, so it is posted (payment_returned: from the rails to what the customer is owed; one
 * posting per provider payment, which reconciliation matches), and a refund of that payment with a
 * stable out-id and the job that asks its provider for it after commit (the refund outbox).
 */
export async function returnPayment(
  tx: Tx,
  order: ReturnedOrder,
  payment: { provider: string; providerRef: string; amountFen: number; cause: ReturnCause },
): Promise<void> {
  const platform = await platformAccounts(tx);
  const owed = await refundsPendingAccount(tx, order.customerId);
  await post(tx, {
    kind: "payment_returned",
    orderId: order.id,
    queueId: order.queueId,
    reason: payment.cause,
    legs: [
      { accountId: platform.world, asset: "CNY", amount: -payment.amountFen },
      { accountId: owed, asset: "CNY", amount: payment.amountFen },
    ],
  });
  const [returned] = await tx
    .select({ n: count() })
    .from(paymentRefunds)
    .where(and(eq(paymentRefunds.orderId, order.id), isNotNull(paymentRefunds.returnedPaymentRef)));
  const no = returnOutRefundNo(order.orderNo, (returned?.n ?? 0) + 1, 1);
  const [row] = await tx
    .insert(paymentRefunds)
    .values({
      orderId: order.id,
      provider: payment.provider,
      outRefundNo: no,
      amountFen: payment.amountFen,
      actorUserId: null,
      returnedPaymentRef: payment.providerRef,
      returnCause: payment.cause,
    })
    .returning({ id: paymentRefunds.id });
  await addJob(tx, "refund.send", { refundId: row!.id, outRefundNo: no });
  log.warn({ provider: payment.provider, orderNo: order.orderNo, providerRef: payment.providerRef, cause: payment.cause, outRefundNo: no }, "payment returned");
}
